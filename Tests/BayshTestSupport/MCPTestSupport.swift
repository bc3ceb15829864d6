import BayshCore
import Foundation

/// Finds what the MCP tests run: the `baysh-test-server` executable, the Python interpreter of the test venv, and
/// the fixture scripts.
///
/// `swift test` builds every executable of the package next to the test bundle, so the server is looked for in the
/// directory of the running test binary first (`.build/<triple>/debug/`), then in `<package>/.build/debug/`
/// found from this file's path.
public enum MCPFixtures {
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func executable(_ name: String) throws -> String {
        var candidates: [URL] = []
        let runner = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // On Linux the runner is `.build/debug/bayshPackageTests.xctest`; inside a bundle it is deeper.
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/\(name)"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found.path
        }
        throw FixtureMissing(
            message: "\(name) was not found next to the test binary or in .build/debug; run `swift build` first")
    }

    /// The fixture script `name` in `Tests/BayshCoreTests/MCP/Fixtures`.
    public static func script(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/BayshCoreTests/MCP/Fixtures/\(name)").path
    }

    public static var testServer: String {
        get throws { try executable("baysh-test-server") }
    }

    /// The venv Python with the `mcp` package. Missing is a failure, not a skip: the tests would prove nothing.
    public static var python: String {
        get throws {
            let path =
                ProcessInfo.processInfo.environment["BAYSH_TEST_PYTHON"]
                ?? packageRoot.appendingPathComponent(".venv-tests/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw FixtureMissing(
                    message: "no Python with the mcp package at \(path): run ./dev test (it prepares .venv-tests)")
            }
            return path
        }
    }

    public static var pythonServerScript: String {
        script("python_server.py")
    }

    /// A server that talks back: progress, logs, questions, sampling, roots, a tool list that grows.
    public static var richServerScript: String {
        script("rich_server.py")
    }

    /// A server with resources, a resource template, prompts and completions beside one tool.
    public static var catalogServerScript: String {
        script("catalog_server.py")
    }

    public static var hostileServerScript: String {
        script("hostile_server.py")
    }

    /// The hostile server as one `--mcp` command string.
    public static var hostileServerCommand: String {
        get throws { "\(try python) \(hostileServerScript)" }
    }

    public static var misbehavingHTTPScript: String {
        script("misbehaving_http.py")
    }

    public struct FixtureMissing: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(message: String) {
            self.message = message
        }
    }
}

/// A temporary directory for one test, removed at the end.
public final class TemporaryDirectory {
    public let url: URL
    public var path: String { url.path }

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-mcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs a Python HTTP server on 127.0.0.1 for the duration of `body`: started (through ``ServerProcess``, whose
/// children get a clean signal mask, unlike Foundation's `Process` started from a dispatch thread) with a free
/// port that it prints first (`PORT 41234`), and killed with its process group afterwards.
public func withLoopbackServer(
    script: String, arguments: [String] = [], path: String = "/mcp", _ body: (URL) async throws -> Void
) async throws {
    let process = try ServerProcess.start(command: [try MCPFixtures.python, script] + arguments)
    defer { close(process.stdoutDescriptor) }
    close(process.stdinDescriptor)
    // The fixture prints its port at once; a child that dies before ends the read with end of file. The blocking
    // reads run on a thread of their own: Python takes up to a second to start on a busy machine, and blocking one
    // of the two threads of the concurrency pool that long stalls every other test running beside this one.
    let descriptor = process.stdoutDescriptor
    let text = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
        Thread {
            var text = ""
            var byte: UInt8 = 0
            while !text.hasSuffix("\n") && read(descriptor, &byte, 1) == 1 { text.append(Character(UnicodeScalar(byte))) }
            continuation.resume(returning: text)
        }.start()
    }
    guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
    else {
        await process.terminate(grace: .zero)
        throw MCPFixtures.FixtureMissing(message: "the Python HTTP server did not start: '\(text)' \(process.stderrTail)")
    }
    do {
        try await body(URL(string: "http://127.0.0.1:\(port)\(path)")!)
    } catch {
        await process.terminate(grace: .zero)
        throw error
    }
    await process.terminate(grace: .zero)
}

/// Runs `body` with a session on `target`, closing it (and so stopping its server) whatever happens.
public func withMCPSession(
    _ target: MCPTarget, name: String? = nil, timeout: Duration = .seconds(30),
    readTimeout: Duration = MCPSession.defaultReadTimeout, protocol choice: MCPProtocolChoice = .auto,
    _ body: (MCPSession) async throws -> Void
) async throws {
    let session = try await MCPSession.connect(
        target, name: name, timeout: timeout, readTimeout: readTimeout, protocol: choice)
    do {
        try await body(session)
        await session.close()
    } catch {
        await session.close()
        throw error
    }
}
