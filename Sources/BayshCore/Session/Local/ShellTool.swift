import Foundation
import MCP

/// The `shell` tool (`wuying_shell`): checks the arguments, runs the command in the workspace (inside the session's
/// sandbox, or with ``ShellCommand`` under `--no-sandbox`) and answers in the cloud's JSON shape,
/// `{"stdout","stderr","exit_code","traceId"}`, adding `errorCode` (the cloud's other name for the exit code) when
/// the command failed.
struct ShellTool: Sendable {
    let workspace: Workspace
    /// nil under `--no-sandbox`.
    let sandbox: Sandbox?

    /// Variables of baysh's own environment that the command does not get: the session needs no cloud key, and
    /// tool output ends up in transcripts.
    static let withheldVariables: Set<String> = ["AGENTBAY_API_KEY"]

    /// Runs the call; throws ``SessionError/cancelled(operation:)`` when the task is cancelled (after killing the
    /// command's process group).
    func call(_ arguments: ToolArguments, readTimeout: Duration?) async throws -> ToolAnswer {
        let command = try arguments.requiredString("command")
        guard !command.utf8.contains(0) else { throw ToolFailure("shell: the command contains a NUL byte") }
        let timeoutMs = try arguments.int("timeout_ms") ?? LocalToolCatalog.shellDefaultTimeoutMs
        guard (1...LocalToolCatalog.shellMaxTimeoutMs).contains(timeoutMs) else {
            throw ToolFailure(
                "shell: timeout_ms is \(timeoutMs); it must be from 1 to \(LocalToolCatalog.shellMaxTimeoutMs) (10 minutes)")
        }
        let cwd = try arguments.string("cwd") ?? "."
        let folder = try workspace.resolve(cwd)
        guard folder.exists else { throw ToolFailure("shell: cwd '\(cwd)' does not exist in the workspace") }
        let environment = try Self.environment(
            sandbox: sandbox, folder: folder.path, envs: try arguments.stringMap("envs"), tool: "shell")
        var timeout = Duration.milliseconds(timeoutMs)
        if let readTimeout, readTimeout < timeout { timeout = readTimeout }

        let outcome = try await Self.run(
            command, folder: folder.path, environment: environment, sandbox: sandbox,
            timeout: timeout, tool: "shell")
        var stderr = outcome.stderr
        if outcome.timedOut {
            if !stderr.isEmpty && !stderr.hasSuffix("\n") { stderr += "\n" }
            stderr += "[baysh: the command timed out after \(SessionError.format(timeout)); its process group was killed]"
            if outcome.outputHeldOpen {
                stderr += "\n[baysh: the shell had exited, but a background process kept its output open; "
                    + "redirect a background command's output, e.g. cmd >/dev/null 2>&1 &]"
            }
        }
        let failed = outcome.exitCode != 0
        var fields: [(String, Value)] = [
            ("stdout", .string(outcome.stdout)), ("stderr", .string(stderr)), ("exit_code", .int(Int(outcome.exitCode))),
        ]
        if failed { fields.append(("errorCode", .int(Int(outcome.exitCode)))) }
        fields.append(("traceId", .string(ToolAnswer.newId())))
        return ToolAnswer(text: try Self.orderedJSON(fields), isError: failed)
    }

    /// The command's environment: in the sandbox a clean one (``SandboxLayout/baseEnvironment(host:)``), without
    /// one baysh's own minus ``withheldVariables``; then PWD and the call's `envs`.
    static func environment(sandbox: Sandbox?, folder: String, envs: [String: String]?, tool: String) throws
        -> [String: String]
    {
        var environment = sandbox?.baseEnvironment
            ?? ProcessInfo.processInfo.environment.filter { !withheldVariables.contains($0.key) }
        environment["PWD"] = folder
        for (key, value) in envs ?? [:] {
            guard !key.isEmpty, !key.contains("="), !key.utf8.contains(0), !value.utf8.contains(0) else {
                throw ToolFailure("\(tool): envs has an invalid variable name '\(key)' (empty, or holding '=' or NUL)")
            }
            environment[key] = value
        }
        return environment
    }

    /// Runs `/bin/sh -c command` in `folder`, in the sandbox when there is one. `stdinFile` is the command's stdin:
    /// a key of `files` in the sandbox, a host path without one. Cancellation becomes
    /// ``SessionError/cancelled(operation:)``.
    static func run(
        _ command: String, folder: String, environment: [String: String], sandbox: Sandbox?,
        files: [String: Data] = [:], stdinFile: String? = nil, timeout: Duration, tool: String
    ) async throws -> ShellCommand.Outcome {
        do {
            if let sandbox {
                return try await sandbox.run(
                    script: { base in
                        SandboxScript.exec(["/bin/sh", "-c", command], folder: folder, environment: environment,
                            stdinFile: stdinFile.map { base + "." + $0 })
                    }, files: files, timeout: timeout, cap: outputCap)
            }
            let line = stdinFile.map { command + " <" + SandboxScript.quote($0) } ?? command
            return try await ShellCommand(command: line, folder: folder, environment: environment, timeout: timeout)
                .run()
        } catch is CancellationError {
            throw SessionError.cancelled(operation: tool)
        }
    }

    /// Bytes of each output stream a call keeps.
    static let outputCap = 1 << 20

    /// JSON object text with keys in the given order (JSONEncoder would sort or shuffle them).
    static func orderedJSON(_ fields: [(String, Value)]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let members = try fields.map { key, value in
            String(decoding: try encoder.encode(key), as: UTF8.self) + ":"
                + String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}
