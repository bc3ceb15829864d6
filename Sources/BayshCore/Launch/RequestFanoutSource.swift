import Foundation

/// Local sessions (each in a fresh workspace of its own) and MCP servers (a process each for stdio, a connection
/// each for HTTP), opened as the command line's ``SessionRequest`` says.
public struct RequestFanoutSource: FanoutSessionSource {
    public let request: SessionRequest
    let backend: BackendKind

    public init(request: SessionRequest) {
        self.request = request
        self.backend = SessionOpener.choose(request).backend
    }

    public func open(_ slot: FanoutSlot, labels: [String: String]) async throws -> any Session {
        var request = self.request
        switch backend {
        case .local:
            request.labels.merge(labels) { _, run in run }
        case .mcp:
            // N servers writing one log file would interleave; each gets its own next to the usual one.
            if request.url == nil, request.serverStderr == nil, let run = labels[FanoutPlan.runLabel] {
                let folder = StatePaths(environment: request.environment).root
                    .appendingPathComponent("logs").appendingPathComponent("fanout-" + StatePaths.safeFileName(run))
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                request.serverStderr = folder.appendingPathComponent("\(slot.index).log").path
            }
        case .agentbay:
            break
        }
        return try await SessionOpener.open(request)
    }

    public func sweep(label: (key: String, value: String)) async -> [String] {
        guard backend == .local,
            let found = try? SessionCleanup.local(
                labels: [label.key: label.value], olderThan: nil, dataHome: request.dataHome)
        else { return [] }
        let ids = found.candidates.map(\.id)
        let failures = await SessionCleanup.deleteLocal(ids, dataHome: request.dataHome)
        return ids.filter { failures[$0] == nil }
    }

    public func cleanUpCommand(label: (key: String, value: String)) -> String? {
        backend == .local ? "baysh sessions --delete --label \(label.key)=\(label.value) --yes" : nil
    }
}
