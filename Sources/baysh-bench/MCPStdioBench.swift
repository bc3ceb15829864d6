import BayshCore
import Foundation
import MCP

#if canImport(Glibc)
    import Glibc
#endif

/// Calls per second of a trivial tool (`echo`) over stdio against `baysh-test-server` (SessionServer, the code
/// behind `baysh serve`), three ways: baysh's MCPSession on its PipeTransport; a minimal client that writes raw
/// JSON-RPC lines and reads the answers; and the SDK's `Client` on its stock `StdioTransport`. The ratios show
/// what baysh's client costs. Targets: baysh at 90% or more of raw, and 4 times stock or more.
enum MCPStdioBench: BenchSection {
    static let title = "mcp stdio"

    static func run() async throws {
        try await measure()
    }

    /// Raw and baysh run alternately `rounds` times and the best round of each counts, so a burst of other load on
    /// the machine does not decide the ratio; the stock transport, 25 times slower, runs once.
    static func measure(calls: Int = 10_000, stockCalls: Int = 2_000, rounds: Int = 3) async throws {
        let server = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("baysh-test-server").path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            print("mcp stdio: skipped, \(server) is missing (build the baysh-test-server product)")
            return
        }
        print("mcp stdio: echo calls against baysh-test-server (SessionServer), best of \(rounds) rounds")
        var raw = Round.none
        var baysh = Round.none
        for _ in 0..<rounds {
            raw = raw.best(try await rawRate(server: server, calls: calls))
            baysh = baysh.best(try await bayshRate(server: server, calls: calls))
        }
        print(String(format: "  raw JSON-RPC lines   %8.0f calls/s  (%d calls)", raw.rate, calls))
        print(String(format: "  baysh MCPSession     %8.0f calls/s  (%d calls)", baysh.rate, calls))
        // The client's own share, which the load moves less than the rates: CPU of this process (every thread,
        // not the server) and the times its threads gave up the CPU, per call, lowest over the rounds.
        print(String(
            format: "  client CPU per call  raw %5.1f µs, baysh %5.1f µs; context switches per call raw %4.2f, baysh %4.2f",
            raw.cpu, baysh.cpu, raw.switches, baysh.switches))
        let stock = try await stockRate(server: server, calls: stockCalls).rate
        print(String(format: "  SDK StdioTransport   %8.0f calls/s  (%d calls)", stock, stockCalls))
        print(String(format: "  baysh / raw   %5.1f%%  (target >= 90%%)", baysh.rate / raw.rate * 100))
        print(String(format: "  baysh / stock %5.1fx  (target >= 4x)", baysh.rate / stock))
    }

    /// One round of calls: calls per second, and this process's CPU (µs) and context switches per call.
    private struct Round {
        var rate: Double
        var cpu: Double
        var switches: Double

        static let none = Round(rate: 0, cpu: .infinity, switches: .infinity)

        /// The best rate, and the lowest CPU and switches, of `self` and `other`.
        func best(_ other: Round) -> Round {
            Round(rate: max(rate, other.rate), cpu: min(cpu, other.cpu), switches: min(switches, other.switches))
        }
    }

    private static func rate(_ calls: Int, _ body: () async throws -> Void) async rethrows -> Round {
        func usage() -> (cpu: Double, switches: Double) {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
            return (cpu, Double(usage.ru_nvcsw + usage.ru_nivcsw))
        }
        let before = usage()
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        let after = usage()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Round(
            rate: Double(calls) / seconds, cpu: (after.cpu - before.cpu) / Double(calls),
            switches: (after.switches - before.switches) / Double(calls))
    }

    private static func bayshRate(server: String, calls: Int) async throws -> Round {
        let session = try await MCPSession.connect(.stdio(command: [server]))
        defer { Task { await session.close() } }
        _ = try await session.callTool(name: "echo", arguments: ["text": "warm"])
        return try await rate(calls) {
            for _ in 0..<calls {
                let result = try await session.callTool(name: "echo", arguments: ["text": "hi"])
                guard result.text == "hi" else { throw SessionError.protocolViolation("bad echo: \(result)") }
            }
        }
    }

    private static func stockRate(server: String, calls: Int) async throws -> Round {
        let process = try ServerProcess.start(command: [server])
        let client = Client(name: "bench", version: "1")
        let transport = StdioTransport(
            input: .init(rawValue: process.stdoutDescriptor), output: .init(rawValue: process.stdinDescriptor))
        try await client.connect(transport: transport)
        let measured = try await rate(calls) {
            for _ in 0..<calls {
                _ = try await client.callTool(name: "echo", arguments: ["text": "hi"])
            }
        }
        await client.disconnect()
        close(process.stdinDescriptor)
        close(process.stdoutDescriptor)
        await process.terminate()
        return measured
    }

    /// Writes each request as one preformatted line and blocks reading the answer line: the floor any client can
    /// reach against this server.
    private static func rawRate(server: String, calls: Int) async throws -> Round {
        let process = try ServerProcess.start(command: [server])
        let reader = RawLines(descriptor: process.stdoutDescriptor)
        func send(_ line: String) throws {
            try line.utf8CString.withUnsafeBufferPointer { buffer in
                var offset = 0
                let count = buffer.count - 1
                while offset < count {
                    let written = write(process.stdinDescriptor, buffer.baseAddress! + offset, count - offset)
                    guard written > 0 else { throw SessionError.transport("raw write failed") }
                    offset += written
                }
            }
        }
        try send(
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#
                + "\n")
        _ = try reader.line()
        try send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"# + "\n")
        let measured = try await rate(calls) {
            for id in 1...calls {
                // The request baysh sends (issue 14: every tools/call carries a progress token), so the server's
                // work is the same for both clients and the figure compares the clients alone.
                try send(
                    #"{"jsonrpc":"2.0","id":"# + String(id)
                        + #","method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"#
                        + #""_meta":{"progressToken":"# + String(id) + "}}}\n")
                _ = try reader.line()
            }
        }
        close(process.stdinDescriptor)
        close(process.stdoutDescriptor)
        await process.terminate()
        return measured
    }

    /// Blocking line reads for the raw client.
    private final class RawLines {
        let descriptor: Int32
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var start = 0
        var end = 0

        init(descriptor: Int32) { self.descriptor = descriptor }

        func line() throws -> Int {
            while true {
                if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                    let length = newline - start
                    start = newline + 1
                    return length
                }
                if start == end { (start, end) = (0, 0) }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + end, $0.count - end) }
                guard count > 0 else { throw SessionError.transport("raw read ended") }
                end += count
            }
        }
    }
}
