import Foundation
import Synchronization


#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

import BayshCore

/// The small hostile peers the tests of issue 12 start: a TCP proxy to kill mid-call, an HTTP MCP server with
/// faults per path, and a stdio server that will not go (all under `MCP/Fixtures`, run with the test venv's Python).
public enum HostileFixtures {
    public static var tcpProxy: String { MCPFixtures.script("tcp_proxy.py") }
    public static var hostileHTTP: String { MCPFixtures.script("hostile_http.py") }
    public static var stubbornStdio: String { MCPFixtures.script("stubborn_stdio.py") }

    /// A started fixture: its process (own process group) and the lines it printed after `PORT n`.
    public final class Running: @unchecked Sendable {
        public let process: ServerProcess
        public let port: Int
        private let lines: LineFeed

        init(process: ServerProcess, port: Int, lines: LineFeed) {
            self.process = process
            self.port = port
            self.lines = lines
        }

        /// Waits for the fixture to print `line` (counted from its start), failing after `timeout`.
        public func waitFor(_ line: String, count: Int = 1, timeout: Duration = .seconds(10)) async throws {
            let deadline = ContinuousClock.now + timeout
            while lines.count(of: line) < count {
                guard ContinuousClock.now < deadline else {
                    throw MCPFixtures.FixtureMissing(message: "the fixture never printed '\(line)'")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }

        /// SIGKILL, as a crash or `kill -9` would end it.
        public func kill9() async {
            kill(process.pid, SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(5))
        }

        public func stop() async { await process.terminate(grace: .zero) }
    }

    /// Every line a fixture prints, read on a thread of its own.
    public final class LineFeed: Sendable {
        private let seen = Mutex<[String]>([])

        init(descriptor: Int32, first: CheckedContinuation<String, Never>) {
            Thread { [self] in
                var text = ""
                var byte: UInt8 = 0
                var resumed = false
                while read(descriptor, &byte, 1) == 1 {
                    if byte != 0x0A {
                        text.append(Character(UnicodeScalar(byte)))
                        continue
                    }
                    if !resumed {
                        first.resume(returning: text)
                        resumed = true
                    } else {
                        let line = text
                        self.seen.withLock { $0.append(line) }
                    }
                    text = ""
                }
                if !resumed { first.resume(returning: text) }
                close(descriptor)
            }.start()
        }

        func count(of line: String) -> Int { seen.withLock { $0.filter { $0 == line }.count } }
    }

    /// Starts `script` with `arguments` and waits for its `PORT n` line.
    public static func start(_ script: String, _ arguments: [String] = []) async throws -> Running {
        let process = try ServerProcess.start(command: [try MCPFixtures.python, script] + arguments)
        close(process.stdinDescriptor)
        let descriptor = process.stdoutDescriptor
        var feed: LineFeed?
        let first = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            feed = LineFeed(descriptor: descriptor, first: continuation)
        }
        guard first.hasPrefix("PORT "), let port = Int(first.dropFirst(5)), let feed else {
            await process.terminate(grace: .zero)
            throw MCPFixtures.FixtureMissing(message: "\(script) did not start: '\(first)' \(process.stderrTail)")
        }
        return Running(process: process, port: port, lines: feed)
    }

    /// GET /seen of a running `hostile_http.py`.
    public static func seen(_ server: Running) async throws -> [String: Any] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(server.port)/seen")!)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}
