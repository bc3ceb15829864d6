import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// MCPSession against `baysh-test-server` (SessionServer over a fixture session) as a real child over real pipes.
@Suite("MCP session over stdio against baysh-test-server", .timeLimit(.minutes(2)))
struct MCPStdioSessionTests {
    private func target(_ flags: [String] = [], stderr: StderrDestination = .discard) throws -> MCPTarget {
        .stdio(command: [try MCPFixtures.testServer] + flags, stderr: stderr)
    }

    @Test("lists tools with schemas and annotations, names the server, and caches the list")
    func listsTools() async throws {
        try await withMCPSession(try target()) { session in
            #expect(session.serverName == "fixture-server")
            #expect(session.descriptor.promptName == "mcp:fixture-server")
            #expect(session.descriptor.target == "mcp-fixture-server")
            #expect(session.ownership == .created)
            #expect(session.cachedTools == nil)
            let tools = try await session.listTools()
            #expect(tools.map(\.name).contains("echo"))
            let crash = try #require(tools.first { $0.name == "crash" })
            #expect(crash.needsConfirmation)
            #expect(crash.server == "fixture-server")
            #expect(crash.inputSchema.objectValue?["type"] == "object")
            #expect(session.cachedTools == tools)
            #expect(try await session.findServer(forTool: "echo") == "fixture-server")
            #expect(try await session.findServer(forTool: "nope") == nil)
        }
    }

    @Test("calls a tool and gets text, structured content, a request id and the elapsed time")
    func callsTools() async throws {
        try await withMCPSession(try target()) { session in
            let echo = try await session.callTool(name: "echo", arguments: ["text": "héllo \"world\"\n"])
            #expect(echo.text == "héllo \"world\"\n")
            #expect(!echo.isError)
            let add = try await session.callTool(name: "add", arguments: ["a": 2, "b": 3.5])
            #expect(add.text == "5.5")
            #expect(add.structuredContent == .object(["sum": 5.5]))
            #expect(add.requestId != nil && add.requestId != echo.requestId)
            #expect(add.elapsed > .zero)
        }
    }

    @Test("maps image, resource and resource link items")
    func mapsContent() async throws {
        try await withMCPSession(try target()) { session in
            let result = try await session.callTool(name: "media", arguments: [:])
            #expect(
                result.content == [
                    .image(base64: "iVBORw0KGgo=", mimeType: "image/png"),
                    .resource(uri: "file:///notes.txt", mimeType: "text/plain", text: "notes", blobBase64: nil),
                    .resourceLink(uri: "file:///data.bin", name: "data.bin", mimeType: "application/octet-stream"),
                ])
        }
    }

    @Test("a tool failure is a result with isError, not a thrown error")
    func errorResult() async throws {
        try await withMCPSession(try target()) { session in
            let result = try await session.callTool(name: "fail", arguments: ["message": "disk full"])
            #expect(result.isError)
            #expect(result.text == "disk full")
        }
    }

    @Test("an unknown tool is a clear notFound error naming the server and the tool")
    func unknownTool() async throws {
        try await withMCPSession(try target()) { session in
            _ = try await session.listTools()
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(name: "nope", arguments: [:])
            }
            guard case .notFound(let message) = error else {
                Issue.record("expected notFound, got \(String(describing: error))")
                return
            }
            #expect(message.contains("nope") && message.contains("fixture-server"))
            #expect(try await session.callTool(name: "echo", arguments: ["text": "still fine"]).text == "still fine")
        }
    }

    @Test("a 10 MB result passes through both transports")
    func bigResult() async throws {
        try await withMCPSession(try target()) { session in
            let size = 10 * 1024 * 1024
            let result = try await session.callTool(name: "big", arguments: ["bytes": .int(size)])
            #expect(result.text.utf8.count == size)
        }
    }

    @Test("the server killed mid-call fails the call at once with its status and last stderr lines")
    func serverExitsMidCall() async throws {
        try await withMCPSession(try target(["--noisy"])) { session in
            let started = ContinuousClock.now
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(name: "crash", arguments: ["message": "out of cheese"])
            }
            #expect(ContinuousClock.now - started < .seconds(15))
            guard case .serverExited(let command, let status, let tail) = error else {
                Issue.record("expected serverExited, got \(String(describing: error))")
                return
            }
            #expect(command.contains("baysh-test-server"))
            #expect(status == 3)
            #expect(tail.contains("fixture: out of cheese"))
            #expect(tail.contains("fixture: call crash"))
            #expect(error?.description.contains(":reconnect") == true)
            // Later calls fail fast with the same reason, and :reconnect brings the server back.
            await #expect(throws: SessionError.self) { try await session.callTool(name: "echo", arguments: [:]) }
            try await session.reconnect()
            #expect(try await session.callTool(name: "echo", arguments: ["text": "back"]).text == "back")
        }
    }

    @Test("a process killed from outside is noticed without any call in flight")
    func serverKilledFromOutside() async throws {
        try await withMCPSession(try target()) { session in
            let process = try #require(session.serverProcess)
            kill(process.pid, SIGKILL)
            #expect(await process.waitForExit(timeout: .seconds(5)))
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(name: "echo", arguments: ["text": "x"])
            }
            guard case .serverExited(_, let status, _) = error else {
                Issue.record("expected serverExited, got \(String(describing: error))")
                return
            }
            #expect(status == 128 + SIGKILL)
        }
    }

    @Test("a server that never answers times out, and the session stays usable")
    func timeout() async throws {
        try await withMCPSession(try target()) { session in
            let started = ContinuousClock.now
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(
                    name: "hang", arguments: [:], options: CallOptions(readTimeout: .milliseconds(300)))
            }
            #expect(error == .timedOut(operation: "call hang", after: .milliseconds(300)))
            #expect(ContinuousClock.now - started < .seconds(15))
            let after = try await session.callTool(name: "echo", arguments: ["text": "after"])
            #expect(after.text == "after")
        }
    }

    @Test("a server that never finishes the handshake times out at connect with a clear error")
    func connectTimeout() async throws {
        let started = ContinuousClock.now
        let error = await #expect(throws: SessionError.self) {
            _ = try await MCPSession.connect(try target(["--mute"]), timeout: .milliseconds(500))
        }
        guard case .timedOut(let operation, _) = error else {
            Issue.record("expected timedOut, got \(String(describing: error))")
            return
        }
        #expect(operation.contains("baysh-test-server"))
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    @Test("cancelling the calling task returns at once and the session stays usable")
    func cancellation() async throws {
        try await withMCPSession(try target()) { session in
            let call = Task {
                try await session.callTool(name: "slow", arguments: ["ms": 20_000])
            }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            call.cancel()
            let outcome = await call.result
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(throws: SessionError.cancelled(operation: "call slow")) { try outcome.get() }
            #expect(try await session.callTool(name: "echo", arguments: ["text": "next"]).text == "next")
        }
    }

    @Test("garbage on the server's stdout is a protocol violation that quotes it")
    func garbage() async throws {
        try await withMCPSession(try target()) { session in
            let error = await #expect(throws: SessionError.self) {
                _ = try await session.callTool(name: "garbage", arguments: [:])
                // The garbage line may land just after the answer: the next call sees it.
                try await Task.sleep(for: .milliseconds(200))
                _ = try await session.callTool(name: "echo", arguments: [:])
            }
            guard case .protocolViolation(let message) = error else {
                Issue.record("expected protocolViolation, got \(String(describing: error))")
                return
            }
            #expect(message.contains("this is not JSON-RPC"))
        }
    }

    @Test("garbage before the handshake fails connect with a protocol violation")
    func garbageAtStart() async throws {
        await #expect(throws: SessionError.self) {
            _ = try await MCPSession.connect(try target(["--garbage-at-start"]), timeout: .seconds(10))
        }
        do {
            _ = try await MCPSession.connect(try target(["--garbage-at-start"]), timeout: .seconds(10))
        } catch let error as SessionError {
            #expect(error.description.contains("Welcome to the fixture server!"))
        }
    }

    @Test("a server that exits at start reports its status and stderr")
    func exitAtStart() async throws {
        let error = await #expect(throws: SessionError.self) {
            _ = try await MCPSession.connect(try target(["--exit-at-start", "7"]), timeout: .seconds(60))
        }
        guard case .serverExited(_, let status, let tail) = error else {
            Issue.record("expected serverExited, got \(String(describing: error))")
            return
        }
        #expect(status == 7)
        #expect(tail == ["fixture: starting", "fixture: cannot go on, exiting"])
    }

    @Test("a command that does not exist is a clear error naming it")
    func missingCommand() async throws {
        let error = await #expect(throws: SessionError.self) {
            _ = try await MCPSession.connect(.stdio(command: ["baysh-no-such-server", "--flag"]))
        }
        #expect(error?.description.contains("'baysh-no-such-server' was not found") == true)
    }

    @Test("environment additions and the working directory reach the server; stderr goes to the log file")
    func environmentAndDirectory() async throws {
        let directory = try TemporaryDirectory()
        let log = directory.url.appendingPathComponent("server.log").path
        let target = MCPTarget.stdio(
            command: [try MCPFixtures.testServer, "--noisy"], environment: ["BAYSH_FIXTURE_VALUE": "forty two"],
            workingDirectory: directory.path, stderr: .file(log))
        try await withMCPSession(target) { session in
            #expect(try await session.callTool(name: "env", arguments: ["name": "BAYSH_FIXTURE_VALUE"]).text == "forty two")
            let cwd = try await session.callTool(name: "cwd", arguments: [:]).text
            #expect(
                URL(fileURLWithPath: cwd).resolvingSymlinksInPath().standardizedFileURL.path
                    == directory.url.resolvingSymlinksInPath().standardizedFileURL.path)
            let info = try await session.info()
            #expect(info["environment"] == "BAYSH_FIXTURE_VALUE=****")
            #expect(info["transport"] == "stdio")
            #expect(info["tools"] == "not listed yet")
        }
        let logged = try String(contentsOfFile: log, encoding: .utf8)
        #expect(logged.contains("fixture: call env"))
    }

    @Test("labels live in memory, link is unsupported, and close stops the server")
    func labelsLinkAndClose() async throws {
        let session = try await MCPSession.connect(try target())
        try await session.setLabels(["team": "tools"])
        #expect(try await session.labels() == ["team": "tools"])
        await #expect(throws: SessionError.self) { try await session.setLabels(["": "x"]) }
        let info = try await session.info()
        #expect(info["labels"]?.contains("kept in memory only") == true)
        #expect(info["server version"] == "fixture-server \(BayshVersion.current)")
        await #expect(throws: SessionError.unsupported(
            operation: "get_link", backend: .mcp, reason: "an MCP server has no ports to link to"
        )) { _ = try await session.link(protocolType: nil, port: nil, options: nil) }
        let process = try #require(session.serverProcess)
        try await session.delete(syncContext: false)
        #expect(process.hasExited)
        // The server saw its stdin close and exited by itself: status 0, not 128 + SIGTERM.
        #expect(process.exitStatus == 0)
        await session.close()
        await #expect(throws: SessionError.self) { try await session.callTool(name: "echo", arguments: [:]) }
    }
}
