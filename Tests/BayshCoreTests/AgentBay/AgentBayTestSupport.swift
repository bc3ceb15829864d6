import AgentBayFake
import Foundation
import Logging
import Synchronization
import Testing

@testable import BayshCore

/// A started fake plus a configuration pointing at it; stopped by `withAgentBayFake` when the test ends.
struct AgentBayFixture {
    let fake: AgentBayFake
    let configuration: AgentBayConfiguration
    let logs: LogStore

    var logger: Logger { logs.logger }

    /// Fast retries so fault tests stay quick; same rules as the standard policy.
    static let quickRetries = AgentBayRetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(40))
    static let quickDeletes = AgentBayDeletePolling(
        interval: .milliseconds(5), timeout: .seconds(30), contextInterval: .milliseconds(5), contextPolls: 20)

    func client(_ policy: AgentBayRetryPolicy = quickRetries, timeout: Duration? = nil) -> AgentBayClient {
        var configuration = configuration
        if let timeout { configuration.timeout = timeout }
        return AgentBayClient(configuration: configuration, retryPolicy: policy, logger: logger)
    }

    func createSession(imageId: String? = "linux_latest", labels: [String: String] = [:]) async throws
        -> AgentBaySession
    {
        try await AgentBaySession.create(
            config: configuration, imageId: imageId, labels: labels, retryPolicy: Self.quickRetries,
            deletePolling: Self.quickDeletes, logger: logger)
    }
}

func withAgentBayFake<T>(
    options: FakeOptions = FakeOptions(), executor: FakeToolExecutor = .testTools,
    _ body: (AgentBayFixture) async throws -> T
) async throws -> T {
    let fake = AgentBayFake(executor: executor, options: options)
    try fake.start()
    defer { fake.stop() }
    let configuration = try AgentBayConfiguration.resolve(
        apiKey: fake.apiKey, endpoint: fake.endpoint, environment: [:],
        workingDirectory: FileManager.default.temporaryDirectory)
    return try await body(AgentBayFixture(fake: fake, configuration: configuration, logs: LogStore()))
}

/// Collects every log line (message and metadata) written through its logger.
final class LogStore: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "test.agentbay") { _ in CapturingLogHandler(store: self) }
        logger.logLevel = .trace
        return logger
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
    var text: String { all.joined(separator: "\n") }
}

struct CapturingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        store.append("\(event.level) \(event.message) \(rendered)")
    }
}

/// Waits (polling) until `condition` holds, failing the test after `timeout`.
func eventually(
    timeout: Duration = .seconds(5), _ what: String, _ condition: () -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while !condition() {
        guard clock.now < deadline else {
            Issue.record("timed out waiting for \(what)")
            return
        }
        try await Task.sleep(for: .milliseconds(2))
    }
}
