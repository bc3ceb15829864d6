import Foundation

/// Runs the real `baysh` binary on a local session, through a pseudo-terminal or pipes, each test with its own
/// XDG folders so history and sessions never mix.
public struct BayshProcess {
    public let root: URL
    /// Added to (or replacing) the run's environment: a backend's endpoint and key.
    public var extraEnvironment: [String: String] = [:]

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    public func removeFolders() { try? FileManager.default.removeItem(at: root) }

    /// `.build/debug/baysh` next to the test products (or `BAYSH_BINARY`).
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["BAYSH_BINARY"] { return path }
        return MCPFixtures.packageRoot.appendingPathComponent(".build/debug/baysh").path
    }

    public var environment: [String: String] {
        [
            "HOME": root.path, "XDG_STATE_HOME": root.appendingPathComponent("state").path,
            "XDG_DATA_HOME": root.appendingPathComponent("data").path, "TERM": "xterm", "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ].merging(Self.sanitizerOptions) { $1 }.merging(extraEnvironment) { $1 }
    }

    /// The sanitizer settings of the test run (log file, suppressions), so a sanitized `baysh` reports the same way.
    public static var sanitizerOptions: [String: String] {
        ProcessInfo.processInfo.environment.filter { ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"].contains($0.key) }
    }

    public func terminal(_ arguments: [String] = []) throws -> PseudoTerminal {
        try PseudoTerminal(executable: Self.binary, arguments: arguments, environment: environment)
    }

    /// Starts the binary on three pipes and leaves them to the caller.
    public func started(_ arguments: [String]) throws -> (process: Process, stdin: Pipe, stdout: Pipe, stderr: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = environment
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return (process, stdin, stdout, stderr)
    }

    /// Runs with pipes: stdin given, stdout and stderr collected.
    public func piped(_ arguments: [String], input: String = "") throws -> (status: Int32, stdout: String, stderr: String) {
        let (process, stdin, stdout, stderr) = try started(arguments)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// The local sessions still recorded.
    public var sessionRecords: [String] {
        let folder = root.appendingPathComponent("data/baysh/sessions")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }
}
