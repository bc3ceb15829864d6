import CBayshLinux
import Foundation
import MCP
import Synchronization

/// The `run_code` tool (`wuying_codespace`, as on the cloud's `code_latest` image): runs a Python or JavaScript
/// program in the workspace, in the same sandbox as `shell`, and answers in the cloud's JSON shape,
/// `{"result","stdout","stderr","executionError","execution_count","execution_time"}`. There is no notebook
/// kernel here, so `result` (rich display values) is always empty and the program's output is in `stdout`.
struct RunCodeTool: Sendable {
    let workspace: Workspace
    let sandbox: Sandbox?
    /// Counts this session's runs, for `execution_count`.
    let runs: Counter

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func next() -> Int { value.add(1, ordering: .relaxed).newValue }
    }

    static let defaultTimeoutS = 60
    static let maxTimeoutS = 600
    static let languages = ["python", "javascript"]

    /// A language's interpreter: the programs tried in order, and what to install when none is there.
    struct Runtime {
        var programs: [String]
        var install: String
    }

    static let runtimes: [String: Runtime] = [
        "python": Runtime(programs: ["python3"], install: "Python 3 (Debian/Ubuntu: sudo apt-get install python3)"),
        "javascript": Runtime(
            programs: ["node", "nodejs"], install: "Node.js (Debian/Ubuntu: sudo apt-get install nodejs)"),
    ]

    func call(_ arguments: ToolArguments, readTimeout: Duration?) async throws -> ToolAnswer {
        let code = try arguments.requiredString("code")
        guard !code.utf8.contains(0) else { throw ToolFailure("run_code: the code contains a NUL byte") }
        let language = try arguments.choice("language", of: Self.languages) ?? "python"
        let timeoutS = try arguments.int("timeout_s") ?? Self.defaultTimeoutS
        guard (1...Self.maxTimeoutS).contains(timeoutS) else {
            throw ToolFailure("run_code: timeout_s is \(timeoutS); it must be from 1 to \(Self.maxTimeoutS) (10 minutes)")
        }
        let searchPath = sandbox?.baseEnvironment["PATH"]
            ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let program = try Self.program(for: language, searchPath: searchPath)
        var timeout = Duration.seconds(timeoutS)
        if let readTimeout, readTimeout < timeout { timeout = readTimeout }
        let environment = try ShellTool.environment(
            sandbox: sandbox, folder: workspace.root, envs: nil, tool: "run_code")

        let clock = ContinuousClock()
        let started = clock.now
        let outcome: ShellCommand.Outcome
        // The program reads its code from stdin (`python3 -`, `node` with a file on stdin): no size limit of a
        // command-line argument, and tracebacks name `<stdin>` rather than a temporary path.
        let command = "exec " + SandboxScript.quote(program) + (language == "python" ? " -" : "")
        if sandbox != nil {
            outcome = try await ShellTool.run(
                command, folder: workspace.root, environment: environment, sandbox: sandbox,
                files: ["code": Data(code.utf8)], stdinFile: "code", timeout: timeout, tool: "run_code")
        } else {
            let file = try TemporaryCodeFile(code)
            defer { file.remove() }
            outcome = try await ShellTool.run(
                command, folder: workspace.root, environment: environment, sandbox: nil, stdinFile: file.path,
                timeout: timeout, tool: "run_code")
        }
        let seconds = started.duration(to: clock.now) / .seconds(1)

        var error = ""
        if outcome.timedOut {
            error = "timed out after \(SessionError.format(timeout)); every process it started was killed"
        } else if outcome.exitCode != 0 {
            error = "\(program) exited with code \(outcome.exitCode)"
        }
        let fields: [(String, Value)] = [
            ("result", .array([])),
            ("stdout", .array(outcome.stdout.isEmpty ? [] : [.string(outcome.stdout)])),
            ("stderr", .array(outcome.stderr.isEmpty ? [] : [.string(outcome.stderr)])),
            ("executionError", .string(error)),
            ("execution_count", .int(runs.next())),
            ("execution_time", .double((seconds * 1000).rounded() / 1000)),
        ]
        return ToolAnswer(text: try ShellTool.orderedJSON(fields), isError: !error.isEmpty)
    }

    /// The interpreter for `language` found on `searchPath` (the sandbox sees the same `/usr`), or an error naming
    /// what to install.
    static func program(for language: String, searchPath: String) throws -> String {
        guard let runtime = runtimes[language] else {
            throw ToolFailure("run_code: language '\(language)' is not supported; use python or javascript")
        }
        let folders = searchPath.split(separator: ":").map(String.init)
        for program in runtime.programs {
            for folder in folders where access(folder + "/" + program, X_OK) == 0 { return program }
        }
        throw ToolFailure(
            "run_code: \(language) needs \(runtime.programs.joined(separator: " or ")), which is not installed "
                + "(looked in \(searchPath)); install \(runtime.install)")
    }
}

/// The code of a `run_code` call under `--no-sandbox`, in a private temporary file.
private struct TemporaryCodeFile {
    let path: String

    init(_ code: String) throws {
        var template = Array((NSTemporaryDirectory() + "/baysh-code-XXXXXX").utf8CString)
        let fd = bayshlinux_mkstemp_cloexec(&template)
        guard fd >= 0 else { throw ToolFailure("run_code: cannot create a temporary file: \(String(cString: strerror(errno)))") }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if let failure = Array(code.utf8).withUnsafeBytes({ DescriptorWrite.all($0, to: fd) }) {
            close(fd)
            unlink(path)
            throw ToolFailure("run_code: cannot write a temporary file: \(String(cString: strerror(failure)))")
        }
        close(fd)
    }

    func remove() { unlink(path) }
}
