import BayshCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `baysh-bench --child …`: the bench started again as a child that does one thing the way the shell does it, so
/// the parent reads the child's peak memory alone from `wait4`.
///
/// - `--child tools SERVER N`: connects to `SERVER --tools N` over stdio, loads the tool list into the shell's
///   index (as at start-up), runs `:tools` and `:describe`, and completes a few prefixes.
/// - `--child local WORKSPACE LINE`: runs LINE on a new local session over WORKSPACE.
/// - `--child mcp SERVER LINE`: runs LINE against `SERVER` over stdio.
///
/// Output goes to the child's stdout, which the parent points at `/dev/null` or a pseudo-terminal; the child's peak
/// goes to the file `BAYSH_BENCH_PEAK` names.
enum BenchChild {
    static func run(_ arguments: [String]) async -> Int32 {
        let status = await work(arguments)
        reportPeak()
        return status
    }

    /// Writes the child's own peak (`RUSAGE_SELF`, so an MCP server it started does not count) to the file
    /// `BAYSH_BENCH_PEAK` names.
    private static func reportPeak() {
        guard let path = ProcessInfo.processInfo.environment["BAYSH_BENCH_PEAK"] else { return }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        _ = FileManager.default.createFile(atPath: path, contents: Data("\(usage.ru_maxrss * 1024)\n".utf8))
    }

    private static func work(_ arguments: [String]) async -> Int32 {
        do {
            switch arguments.first {
            case "tools" where arguments.count == 3:
                let session = try await MCPSession.connect(.stdio(command: [arguments[1], "--tools", arguments[2]]))
                return await shell(session) { shell in
                    await shell.run(script: { shell in
                        await shell.execute(":tools")
                        await shell.execute(":describe files_action_8")
                        for prefix in ["f", "files_action_1", "mail_", "zz"] {
                            _ = shell.tools.names(withPrefix: prefix)
                            _ = shell.tools.signature(for: prefix)
                        }
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
