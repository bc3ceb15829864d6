import Foundation
import MCP
import Testing

@testable import BayshCore

/// The client side's stdio reader, which parses JSON-RPC messages straight from a pipe, over real pipes.
@Suite("Message reader", .timeLimit(.minutes(2)))
struct MessageReaderTests {
    /// What a reader run produced.
    private struct Outcome: Sendable {
        var messages: [Value] = []
        var malformed: [(id: Value?, problem: String)] = []
        var end: SessionError?
    }

    /// Feeds `chunks` into a pipe from a thread of its own (pausing `pause` between them, so the reader meets
    /// them as separate reads) and reads it with a ``MessageReader`` on another thread.
    private func read(
        _ chunks: [[UInt8]], pause: useconds_t = 0, maxMessageBytes: Int = 1 << 20,
        itemSink: @escaping @Sendable (Value) -> JSONItemSink? = { _ in nil }
    ) async -> Outcome {
        // The reader may stop (a line over the limit) while the feeding thread still writes.
        BrokenPipeSignal.ignore()
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        let (input, feed) = (ends[0], ends[1])
        let writer = Thread {
            for chunk in chunks {
                var offset = 0
                while offset < chunk.count {
                    let written = chunk.withUnsafeBytes { write(feed, $0.baseAddress! + offset, chunk.count - offset) }
                    if written <= 0 { break }
                    offset += written
                }
                if pause > 0 { usleep(pause) }
            }
            close(feed)
        }
        writer.start()
        let reader = MessageReader(descriptor: input, maxMessageBytes: maxMessageBytes, peer: "server 's'")
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            Thread {
                nonisolated(unsafe) var outcome = Outcome()
                let end = reader.run(
                    MessageReader.Delegate(
                        itemSink: itemSink,
                        deliver: { outcome.messages.append($0) },
                        malformed: { outcome.malformed.append(($0, $1)) }))
                outcome.end = end
                close(input)
                continuation.resume(returning: outcome)
            }.start()
        }
        return outcome
    }

    private func parsed(_ text: String) throws -> Value {
        try JSONText.parse(text).get()
    }

    @Test("a message written a byte at a time or in random chunks reads the same as in one piece")
    func splitAcrossReads() async throws {
        let line = #"{"jsonrpc":"2.0","id":"baysh-7","result":{"content":[{"type":"text","text":"caf\u00e9 \ud83d\ude00 \"q\" \\ tab\t"}],"n":-12.5e3,"big":123456789012,"ok":true,"none":null,"list":[1,2.0,[],{}]}}"#
        let bytes = Array((line + "\n").utf8)
        let expected = try parsed(line)
        let byteByByte = await read(bytes.map { [$0] }, pause: 200)
        #expect(byteByByte.messages == [expected])
        #expect(byteByByte.end == .transport("server 's' closed its output"))

        var generator = SystemRandomNumberGenerator()
        var chunks: [[UInt8]] = []
        var rest = ArraySlice(bytes + bytes + bytes)
        while !rest.isEmpty {
            let size = Int.random(in: 1...9, using: &generator)
            chunks.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        let random = await read(chunks, pause: 100)
        #expect(random.messages == [expected, expected, expected])
        #expect(random.malformed.isEmpty)
    }

    @Test("an 8 MB string arriving in many reads is built whole and exact")
    func longString() async throws {
        let size = 8 * 1024 * 1024 + 13
        var text = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        for index in stride(from: 0, to: size, by: 1000) { text[index] = UInt8(ascii: "a") + UInt8(index % 26) }
        let line = Array(#"{"id":"baysh-1","result":{"text":""#.utf8) + text + Array("\"}}\n".utf8)
        let outcome = await read(stride(from: 0, to: line.count, by: 100_000).map {
            Array(line[$0..<min($0 + 100_000, line.count)])
        }, maxMessageBytes: 64 << 20)
        let message = try #require(outcome.messages.first)
        guard case .string(let received)? = message.objectValue?["result"]?.objectValue?["text"] else {
            Issue.record("no text in \(outcome)")
            return
        }
        #expect(received.utf8.count == size)
        #expect(received.utf8.elementsEqual(text))
    }

    @Test("a line that is not JSON after a valid message ends the stream quoting it")
    func garbageAfterMessage() async throws {
        let outcome = await read([Array("{\"id\":1,\"result\":{}}\n\n  \r\nnpm WARN deprecated thing\n{}\n".utf8)])
        #expect(outcome.messages == [try parsed(#"{"id":1,"result":{}}"#)])
        #expect(
            outcome.end == .protocolViolation("server 's' wrote a line that is not JSON-RPC: 'npm WARN deprecated thing'"))
    }

    @Test("a line that starts like JSON but does not parse is reported with its id, and the next line is read")
    func malformedLineThenValid() async throws {
        let outcome = await read([
            Array(#"{"id":"baysh-3","result":[1,,2]}"#.utf8), [10],
            Array(#"{"id":"baysh-4","result":{"a":"#.utf8), [10],
            Array(#"{"id":"baysh-5","result":{}}"#.utf8), [10],
        ])
        #expect(outcome.messages == [try parsed(#"{"id":"baysh-5","result":{}}"#)])
        #expect(outcome.malformed.map(\.id) == [.string("baysh-3"), .string("baysh-4")])
        #expect(outcome.malformed.first?.problem.contains("at byte 29 of the line") == true)
        #expect(outcome.malformed.last?.problem.contains("the line ends in the middle of the JSON message") == true)
        #expect(outcome.end == .transport("server 's' closed its output"))
    }

    @Test("a line over the limit and a message cut by end of file are protocol violations")
    func limits() async throws {
        let long = await read([[UInt8](repeating: UInt8(ascii: "["), count: 3 << 20)], maxMessageBytes: 1 << 20)
        #expect(long.end == .protocolViolation("server 's' sent a message longer than 1 MB without a newline"))
        let longString = await read(
            [Array(#"{"a":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)],
            maxMessageBytes: 1 << 20)
        #expect(longString.end == .protocolViolation("server 's' sent a message longer than 1 MB without a newline"))
        let cut = await read([Array(#"{"half":"#.utf8)])
        #expect(cut.end == .protocolViolation("server 's' closed its output in the middle of a message (8 bytes)"))
    }

    @Test("a tool list's items go to its page one by one, in order, and the message keeps an empty array")
    func toolPage() async throws {
        let tool = { (name: String) in
            #"{"name":"\#(name)","title":"T \#(name)","inputSchema":{"type":"object","properties":{"path":{"type":"string"}}}}"#
        }
        let items = [tool("a"), #"{"description":"no name"}"#, tool("c")]
        // "tools" elsewhere (nested in a tool, or under another key) is an ordinary member.
        let line = #"{"jsonrpc":"2.0","id":"baysh-9","result":{"tools":["# + items.joined(separator: ",")
            + #"],"nextCursor":"n","other":{"tools":[1]}}}"#
        let page = ToolPage(server: "s")
        let outcome = await read([Array((line + "\n").utf8)]) { $0 == .string("baysh-9") ? page : nil }
        #expect(outcome.malformed.isEmpty)
        #expect(
            outcome.messages == [
                try parsed(#"{"jsonrpc":"2.0","id":"baysh-9","result":{"tools":[],"nextCursor":"n","other":{"tools":[1]}}}"#)
            ])
        let contents = page.finish()
        #expect(contents.received)
        #expect(contents.tools.map(\.name) == ["a"])
        #expect(contents.tools.first?.annotations.title == "T a")
        #expect(contents.tools.first?.server == "s")
        #expect(contents.unnamedItem == 1)
        // The same items given to a page directly make the same tools: the reader only changes when.
        let direct = ToolPage(server: "s")
        direct.beginArray()
        try items.forEach { direct.take(try parsed($0)) }
        #expect(direct.finish().tools == contents.tools)
    }

    @Test("an answer whose id comes after its result keeps its tools in the message; other answers are untouched")
    func toolPageNotAsked() async throws {
        let late = #"{"jsonrpc":"2.0","result":{"tools":[{"name":"a"}]},"id":"baysh-9"}"#
        let other = #"{"jsonrpc":"2.0","id":"baysh-10","result":{"tools":[{"name":"b"}]}}"#
        let page = ToolPage(server: "s")
        let outcome = await read([Array((late + "\n" + other + "\n").utf8)]) { $0 == .string("baysh-9") ? page : nil }
        #expect(outcome.messages == [try parsed(late), try parsed(other)])
        #expect(!page.received)
    }
}
