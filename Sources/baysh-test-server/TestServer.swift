import BayshCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `baysh-test-server`: serves ``FixtureSession`` over stdio with ``SessionServer``, so baysh's MCP client is tested
/// against a real child process over real pipes. Test fixture only.
///
/// Flags that make it misbehave on purpose:
/// - `--noisy`: a stderr line per call.
/// - `--exit-at-start N`: writes two stderr lines and exits with status N before reading anything.
/// - `--garbage-at-start`: writes a line that is not JSON to stdout first.
/// - `--mute`: reads requests but never answers.
/// - `--deaf`: answers `initialize`, then never reads its input again (a client's large request fills the pipe).
/// - `--tools N`: serves N generated tools with realistic schemas besides the fixed ones (memory benchmark).
///
/// `--local` serves a fresh local session instead (under `$XDG_DATA_HOME`), as `baysh serve` would: the transcript
/// benchmark replays against it over stdio.
@main
struct TestServer {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        if let index = arguments.firstIndex(of: "--exit-at-start") {
            let status = arguments.dropFirst(index - arguments.startIndex + 1).first.flatMap { Int32($0) } ?? 1
            FileHandle.standardError.write(Data("fixture: starting\nfixture: cannot go on, exiting\n".utf8))
            exit(status)
        }
        if arguments.contains("--garbage-at-start") {
            FileHandle.standardOutput.write(Data("Welcome to the fixture server!\n".utf8))
        }
        if arguments.contains("--mute") {
            while FileHandle.standardInput.availableData.count > 0 {}
            return
        }
        if arguments.contains("--deaf") {
            answerInitializeThenStopReading()
        }
        if arguments.contains("--local") {
            let session = try LocalSession.create()
            try await SessionServer.run(session: session, name: "local")
            try await session.delete(syncContext: false)
            return
        }
        try await SessionServer.run(
            session: FixtureSession(noisy: arguments.contains("--noisy"), generatedTools: count(after: "--tools")),
            name: "fixture-server")
    }

    private static func count(after flag: String) -> Int {
        let arguments = CommandLine.arguments
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return 0 }
        return Int(arguments[index + 1]) ?? 0
    }

    /// Reads lines until `initialize`, answers it, and sleeps without reading until killed.
    private static func answerInitializeThenStopReading() -> Never {
        while let line = readLine() {
            guard let request = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                request["method"] as? String == "initialize", let id = request["id"]
            else { continue }
            let answer: [String: Any] = [
                "jsonrpc": "2.0", "id": id,
                "result": [
                    "protocolVersion": "2025-06-18", "capabilities": ["tools": [:] as [String: Any]],
                    "serverInfo": ["name": "deaf-fixture", "version": "1"],
                ] as [String: Any],
            ]
            if let data = try? JSONSerialization.data(withJSONObject: answer) {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
            break
        }
        while true { sleep(60) }
    }
}
