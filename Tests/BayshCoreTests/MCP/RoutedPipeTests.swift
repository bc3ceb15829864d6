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

    @Test("a malformed answer fails its request with a clear error; the next answer and a notification still arrive")
    func malformedAnswer() async throws {
        let (input, feed) = pipePair()
        let (drain, output) = pipePair()
        defer {
            close(feed)
            close(drain)
        }
        let router = ResponseRouter()
        let transport = PipeTransport(
            input: input, output: output, closesDescriptors: true, peer: "MCP server 'x'", router: router)
        try await transport.connect()
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
}
