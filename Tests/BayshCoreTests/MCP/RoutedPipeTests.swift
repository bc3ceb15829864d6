import CBayshLinux
import Foundation
import MCP
import Testing

@testable import BayshCore

/// A client-side PipeTransport with a router, over real pipes: answers reach the waiting request already parsed,
/// and everything else still reaches the SDK's stream.
@Suite("Routed pipe transport", .timeLimit(.minutes(1)))
struct RoutedPipeTests {
    private func pipePair() -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        return (ends[0], ends[1])
    }

    private func writeAll(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// A connected client-side transport with a router, reading what the test writes to `feed`; its output
    /// goes to `drain`. The caller closes both.
    private func connectedTransport() async throws -> (PipeTransport, ResponseRouter, feed: Int32, drain: Int32) {
        let (input, feed) = pipePair()
        let (drain, output) = pipePair()
        let router = ResponseRouter()
        let transport = PipeTransport(
            input: input, output: output, closesDescriptors: true, peer: "MCP server 'x'", router: router)
        try await transport.connect()
        return (transport, router, feed, drain)
    }

    @Test("a malformed answer fails its request with a clear error; the next answer and a notification still arrive")
    func malformedAnswer() async throws {
        let (transport, router, feed, drain) = try await connectedTransport()
        defer {
            close(feed)
            close(drain)
        }
        // Both requests wait (with tool pages, which the router can be asked about) before any answer is written.
        let first = Task { try await router.response(to: .string("baysh-1"), toolPage: ToolPage(server: "x")) {} }
        let second = Task { try await router.response(to: .string("baysh-2"), toolPage: ToolPage(server: "x")) {} }
        while router.toolPage(for: .string("baysh-1")) == nil || router.toolPage(for: .string("baysh-2")) == nil {
            try await Task.sleep(for: .milliseconds(5))
        }
        writeAll(#"{"jsonrpc":"2.0","id":"baysh-1","result":{"content":[1,,]}}"# + "\n", to: feed)
        writeAll(#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"# + "\n", to: feed)
        writeAll(#"{"jsonrpc":"2.0","id":"baysh-2","result":{"content":[]}}"# + "\n", to: feed)
        let failed = await first.result
        guard case .failure(SessionError.protocolViolation(let message)) = failed else {
            Issue.record("expected a protocol violation, got \(failed)")
            return
        }
        #expect(message.hasPrefix("MCP server 'x' wrote a line that is not valid JSON: "))
        #expect(message.contains("at byte 56 of the line"))
        let answer = try await second.value
        #expect(answer == (try JSONText.parse(#"{"jsonrpc":"2.0","id":"baysh-2","result":{"content":[]}}"#).get()))
        var iterator = await transport.receive().makeAsyncIterator()
        let notification = try await iterator.next()
        #expect(notification.map { String(decoding: $0, as: UTF8.self) }
            == #"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#)
        await transport.disconnect()
    }

    @Test("the task waiting for an answer goes on on the reading thread, which reads on once the task waits again")
    func waiterRunsOnReader() async throws {
        let (transport, router, feed, drain) = try await connectedTransport()
        defer {
            close(feed)
            close(drain)
        }
        // One task makes two requests in turn, as a caller in a loop does; it notes the thread each answer
        // resumes it on.
        let caller = Task { () -> [String?] in
            var threads: [String?] = []
            for number in 1...2 {
                _ = try await router.response(to: .string("baysh-\(number)"), toolPage: ToolPage(server: "x")) {}
                threads.append(Self.threadName())
            }
            return threads
        }
        for number in 1...2 {
            while router.toolPage(for: .string("baysh-\(number)")) == nil { try await Task.sleep(for: .milliseconds(5)) }
            // Registered comes just before waiting; give the task the moment to suspend, so the answer resumes it.
            try await Task.sleep(for: .milliseconds(20))
            writeAll(#"{"jsonrpc":"2.0","id":"baysh-"# + "\(number)" + #"","result":{"content":[]}}"# + "\n", to: feed)
        }
        let threads = try await caller.value
        #expect(threads == ["baysh-mcp-read", "baysh-mcp-read"])
        await transport.disconnect()
    }

    /// The system's name of the current thread (the reading thread is "baysh-mcp-read").
    private static func threadName() -> String? {
        var name = [CChar](repeating: 0, count: 32)
        guard bayshlinux_thread_name(&name, name.count) == 0 else { return nil }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
