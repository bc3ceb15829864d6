import Foundation

/// What the transcript tests add to the end-to-end runner: runs in the test's own folder with a time limit, stdout
/// and stderr collected in files (a big output cannot block the child on a pipe), and a started process a test can
/// kill.
extension BayshProcess {
    /// What one run gave.
    public struct Outcome {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `name` inside the test's folder.
    public func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// Starts baysh with `arguments` in the test's folder; stdin is the returned pipe, stdout and stderr go to
    /// `NAME.out` and `NAME.err` there.
    public func start(_ arguments: [String], output name: String = "run") throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = root
        let input = Pipe()
        process.standardInput = input
        for stream in [".out", ".err"] where !FileManager.default.createFile(atPath: path(name + stream), contents: nil) {
            throw Failure(description: "cannot create \(path(name + stream))")
        }
        process.standardOutput = FileHandle(forWritingAtPath: path(name + ".out"))
        process.standardError = FileHandle(forWritingAtPath: path(name + ".err"))
        try process.run()
        return (process, input)
    }

    /// Runs baysh to the end with `input` on stdin; a run past `timeout` is killed and reported.
    public func run(_ arguments: [String], input: String = "", timeout: Duration = .seconds(60)) async throws -> Outcome {
        let (process, stdin) = try start(arguments)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        try await Self.wait(for: process, timeout: timeout)
        return Outcome(
            status: process.terminationStatus, stdout: try String(contentsOfFile: path("run.out"), encoding: .utf8),
            stderr: try String(contentsOfFile: path("run.err"), encoding: .utf8))
    }

    /// Waits for `process` to end; kills it and throws when `timeout` passes first.
    public static func wait(for process: Process, timeout: Duration) async throws {
        try await waitUntil(timeout: timeout, "baysh ended") { !process.isRunning }
        process.waitUntilExit()
    }

    /// Polls `condition` every 20 ms until it holds; throws after `timeout`.
    public static func waitUntil(timeout: Duration = .seconds(30), _ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { throw Failure(description: "timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
