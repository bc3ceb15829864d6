import BayshCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `baysh-bench --child …`: the bench started again as a child that does one thing the way the shell does it, so
/// the parent reads the child's peak memory alone from `wait4`.
///
/// - `--child tools SERVER N`: connects to `SERVER --tools N` over stdio, loads the tool list into the shell's
///   index (as at start-up), runs `:tools` and `:describe`, and completes and hints a few lines. Besides the
///   final figures it records a ``MemoryProbe`` after each step, so the report can tell what stays from what
///   passes.
/// - `--child local WORKSPACE LINE`: runs LINE on a new local session over WORKSPACE.
/// - `--child mcp SERVER LINE`: runs LINE against `SERVER` over stdio.
///
/// Output goes to the child's stdout, which the parent points at `/dev/null` or a pseudo-terminal; the child's
/// figures go to the file `BAYSH_BENCH_PEAK` names, one `STEP PEAK RESIDENT` line per step and `end …` last.
enum BenchChild {
    static func run(_ arguments: [String]) async -> Int32 {
        let status = await work(arguments)
        record("end")
        reportSteps()
        return status
    }

    nonisolated(unsafe) private static var steps: [String] = []

    /// Notes the memory figures after `step` (the child runs on one task at a time, so a plain array does).
    private static func record(_ step: String) {
        steps.append("\(step) \(MemoryProbe.now())")
    }

    /// Writes the child's own figures (`RUSAGE_SELF`, so an MCP server it started does not count) to the file
    /// `BAYSH_BENCH_PEAK` names.
    private static func reportSteps() {
        guard let path = ProcessInfo.processInfo.environment["BAYSH_BENCH_PEAK"] else { return }
        let text = steps.joined(separator: "\n") + "\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    private static func work(_ arguments: [String]) async -> Int32 {
        do {
            switch arguments.first {
            case "tools" where arguments.count == 3:
                record("start")
                let session = try await MCPSession.connect(.stdio(command: [arguments[1], "--tools", arguments[2]]))
                record("connected")
                _ = try await session.listTools()
                record("listed")
                return await shell(session) { shell in
                    await shell.run(script: { shell in
                        record("indexed")
                        await shell.execute(":tools")
                        record(":tools")
                        await shell.execute(":describe files_action_8")
                        record(":describe")
                        for line in ["f", "files_action_1", "mail_", "zz", "files_action_8 ", "files_action_8 mode="] {
                            _ = Completer.complete(line: line, cursor: line.count, tools: shell.tools)
                            _ = Hinter.hint(line: line, tools: shell.tools)
                        }
                        record("completed")
                        return 0
                    })
                }
            case "local" where arguments.count == 3:
                let data = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-bench-\(getpid())")
                defer { try? FileManager.default.removeItem(at: data) }
                let session = try LocalSession.create(
                    workspace: URL(fileURLWithPath: arguments[1], isDirectory: true), dataHome: data)
                return await shell(session) { await $0.run(lines: [arguments[2]]) }
            case "mcp" where arguments.count == 3:
                let session = try await MCPSession.connect(.stdio(command: [arguments[1]]))
                return await shell(session) { await $0.run(lines: [arguments[2]]) }
            default:
                FileHandle.standardError.write(Data("baysh-bench: unknown child \(arguments)\n".utf8))
                return 2
            }
        } catch {
            FileHandle.standardError.write(Data("baysh-bench child: \(error)\n".utf8))
            return 1
        }
    }

    private static func shell(_ session: any Session, _ body: (Shell) async -> Int32) async -> Int32 {
        let shell = Shell(
            session: session, editor: PlainLineReader { nil },
            options: Shell.Options(historyEnabled: false))
        return await body(shell)
    }
}
