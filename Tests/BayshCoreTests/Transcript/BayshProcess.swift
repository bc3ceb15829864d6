import Foundation
import Testing

/// The real `baysh` executable, run with state and data folders of its own (so no test touches the user's), its
/// stdin from a string and its stdout and stderr collected in files (so a big output cannot block it on a pipe).
struct BayshProcess {
    /// What one run gave.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let scratch: TranscriptScratch
    let executable: String

    init(scratch: TranscriptScratch) throws {
        self.scratch = scratch
        self.executable = try Self.locate("baysh")
    }

    /// `swift build` puts executables next to the test runner (`.build/<triple>/debug/`); fall back to the
    /// package's `.build/debug/` found from this file's path.
    static func locate(_ name: String) throws -> String {
        let runner = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        var candidates: [URL] = []
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/\(name)"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ProcessFailure("\(name) was not found next to the test runner or in .build/debug; run swift build")
        }
        return found.path
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The environment: XDG folders inside the scratch folder, no colours.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = scratch.path("state")
        environment["XDG_DATA_HOME"] = scratch.path("data")
        environment["NO_COLOR"] = "1"
        return environment
    }

    /// Starts baysh with `arguments` in the scratch folder; stdin is the returned pipe.
    func start(_ arguments: [String], output name: String = "run") throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
        let input = Pipe()
        process.standardInput = input
        for stream in [".out", ".err"] {
            guard FileManager.default.createFile(atPath: scratch.path(name + stream), contents: nil) else {
                throw ProcessFailure("cannot create \(scratch.path(name + stream))")
            }
        }
        process.standardOutput = FileHandle(forWritingAtPath: scratch.path(name + ".out"))
        process.standardError = FileHandle(forWritingAtPath: scratch.path(name + ".err"))
        try process.run()
        return (process, input)
    }

    /// Runs baysh to the end with `input` on stdin; a run past `timeout` is killed and reported.
    func run(_ arguments: [String], input: String = "", timeout: Duration = .seconds(60)) async throws -> Outcome {
        let (process, stdin) = try start(arguments)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        try await Self.wait(for: process, timeout: timeout)
        return Outcome(
            status: process.terminationStatus, stdout: try String(contentsOfFile: scratch.path("run.out"), encoding: .utf8),
            stderr: try String(contentsOfFile: scratch.path("run.err"), encoding: .utf8))
    }

    /// Waits for `process` to end; kills it and throws when `timeout` passes first.
    static func wait(for process: Process, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw ProcessFailure("baysh did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
    }

    /// Polls `condition` every 20 ms until it holds; throws after `timeout`.
    static func waitUntil(timeout: Duration = .seconds(30), _ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { throw ProcessFailure("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct ProcessFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
