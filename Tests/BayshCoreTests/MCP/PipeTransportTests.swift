import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// PipeTransport and its line reader over real pipes.
@Suite("Pipe transport", .timeLimit(.minutes(2)))
struct PipeTransportTests {
    /// A pipe whose write end the test feeds and whose read end a transport reads.
    private func pipePair() -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        return (ends[0], ends[1])
    }

    private func writeAll(_ text: some Collection<UInt8>, to descriptor: Int32) {
        let bytes = Array(text)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Runs blocking `body` on a new thread and waits for its result without holding a pool thread.
    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Reads every message until the stream ends; returns them and the error it ended with.
    private func drain(_ transport: PipeTransport) async -> ([Data], Error?) {
        var messages: [Data] = []
        do {
            for try await message in await transport.receive() { messages.append(message) }
            return (messages, nil)
        } catch {
            return (messages, error)
        }
    }

    @Test("splits lines across reads, skips blank lines, ends with a clear error at end of file")
    func framing() async throws {
        let (input, feed) = pipePair()
        let (unused, output) = pipePair()
        defer { close(unused) }
        let transport = PipeTransport(input: input, output: output, closesDescriptors: true, peer: "test peer")
        try await transport.connect()
        let writer = Thread {
            self.writeAll(Array(#"{"a":1}"#.utf8) + [10, 10, 32, 13, 10], to: feed)
            self.writeAll(Array(#"[{"b""#.utf8), to: feed)
            usleep(20_000)
            self.writeAll(Array(#":2}]"#.utf8) + [13, 10], to: feed)
            close(feed)
        }
        writer.start()
        let (messages, error) = await drain(transport)
        #expect(messages.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, "[{\"b\":2}]\r"])
        #expect(error as? SessionError == .transport("test peer closed its output"))
        await transport.disconnect()
    }

    @Test("a line that is not JSON ends the stream with a protocol violation quoting it")
    func garbage() async throws {
        let (input, feed) = pipePair()
        let (unused, output) = pipePair()
        defer { close(unused) }
        let transport = PipeTransport(input: input, output: output, closesDescriptors: true, peer: "server 'x'")
        try await transport.connect()
        writeAll(Array("{}\nnpm WARN deprecated\n".utf8), to: feed)
        let (messages, error) = await drain(transport)
        close(feed)
        #expect(messages.count == 1)
        #expect(
            error as? SessionError
                == .protocolViolation("server 'x' wrote a line that is not JSON-RPC: 'npm WARN deprecated'"))
        await transport.disconnect()
    }

    @Test("a line over the limit and a message cut by end of file are protocol violations")
    func limits() async throws {
        let (input, feed) = pipePair()
        let (unused, output) = pipePair()
        defer { close(unused) }
        let transport = PipeTransport(
            input: input, output: output, closesDescriptors: true, peer: "p", maxMessageBytes: 1024 * 1024)
        try await transport.connect()
        let writer = Thread {
            self.writeAll([UInt8](repeating: UInt8(ascii: "{"), count: 3 * 1024 * 1024), to: feed)
            close(feed)
        }
        writer.start()
        let (_, error) = await drain(transport)
        guard case .protocolViolation(let message) = error as? SessionError else {
            Issue.record("expected a protocol violation, got \(String(describing: error))")
            return
        }
        #expect(message.contains("longer than 1 MB"))

        let (input2, feed2) = pipePair()
        let cut = PipeTransport(input: input2, output: -1, closesDescriptors: false, peer: "p")
        try await cut.connect()
        writeAll(Array(#"{"half":"#.utf8), to: feed2)
        close(feed2)
        let (_, error2) = await drain(cut)
        #expect(error2 as? SessionError == .protocolViolation("p closed its output in the middle of a message (8 bytes)"))
        close(input2)
    }

    @Test("a 100 MB message goes out whole and comes back whole")
    func hundredMegabytes() async throws {
        let (input, feed) = pipePair()
        let (unused, output) = pipePair()
        defer { close(unused) }
        let size = 100 * 1024 * 1024
        var message = Data(count: size)
        message.withUnsafeMutableBytes { bytes in
            bytes.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "x"))
            bytes[0] = UInt8(ascii: "{")
            bytes[size - 1] = UInt8(ascii: "}")
        }
        let reader = PipeTransport(input: input, output: output, closesDescriptors: true, peer: "reader")
        try await reader.connect()
        // The sending side is a transport too: a pipe takes 64 KB at a time, so its writer thread waits for room
        // thousands of times while the reader drains.
        let (source, unusedOutput) = pipePair()
        let sender = PipeTransport(input: source, output: feed, closesDescriptors: true, peer: "writer")
        try await sender.connect()
        let sent = message
        let sending = Task {
            try await sender.send(sent)
            try await sender.send(Data("{}".utf8))
            await sender.disconnect()
            close(unusedOutput)
        }
        let (messages, _) = await drain(reader)
        try await sending.value
        #expect(messages.count == 2)
        #expect(messages.first == message)
        #expect(messages.last == Data("{}".utf8))
        await reader.disconnect()
    }

    @Test("writing to a peer that has gone is an error, not SIGPIPE")
    func brokenPipe() async throws {
        let (input, feed) = pipePair()
        let (peerEnd, output) = pipePair()
        close(peerEnd)
        let transport = PipeTransport(input: input, output: output, closesDescriptors: true, peer: "gone")
        try await transport.connect()
        await #expect(throws: SessionError.transport("gone closed its input (broken pipe)")) {
            try await transport.send(Data("{}".utf8))
        }
        close(feed)
        await transport.disconnect()
        await #expect(throws: SessionError.self) { try await transport.send(Data("{}".utf8)) }
    }

    @Test("the server side answers every request before honouring the client's end of file")
    func answersBeforeEnd() async throws {
        let process = try ServerProcess.start(command: [try MCPFixtures.testServer])
        let lines = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow","arguments":{"ms":200}}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}"#,
        ]
        writeAll(Array((lines.joined(separator: "\n") + "\n").utf8), to: process.stdinDescriptor)
        close(process.stdinDescriptor)
        // Blocking reads on a thread of their own, not on one of the concurrency pool's few threads.
        let output = await Self.onThread {
            var output = Data()
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(process.stdoutDescriptor, &chunk, chunk.count)
                if count <= 0 { break }
                output.append(contentsOf: chunk[0..<count])
            }
            return output
        }
        close(process.stdoutDescriptor)
        #expect(await process.waitForExit(timeout: .seconds(10)))
        #expect(process.exitStatus == 0)
        let answers = String(decoding: output, as: UTF8.self).split(separator: "\n")
        #expect(answers.count == 3)
        #expect(answers.contains { $0.contains(#""id":2"#) && $0.contains("slept") })
    }

    @Test("waiting for a process that does not exit times out every time, many waits at once included")
    func waitForExitTimesOut() async throws {
        let process = try ServerProcess.start(command: ["sleep", "30"])
        #expect(await process.waitForExit(timeout: .milliseconds(20)) == false)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 { group.addTask { await process.waitForExit(timeout: .milliseconds(10)) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: false, count: 50))
        let waiting = Task { await process.waitForExit(timeout: .seconds(30)) }
        await process.terminate(grace: .milliseconds(200))
        #expect(await waiting.value)
        #expect(process.exitStatus == 128 + SIGTERM)
        close(process.stdinDescriptor)
        close(process.stdoutDescriptor)
    }
}
