import BayshTestSupport
import Foundation
import Testing

/// The command line's shape: usage errors exit 2 with the reason, the shell stays the default subcommand, and
/// `sessions` lists local sessions.
@Suite("baysh command line", .serialized)
struct CommandLineTests {
    @Test(arguments: [
        (["--mcp", "x", "--url", "http://h/"], "--mcp and --url choose different backends"),
        (["--local", "--agentbay"], "--local and --agentbay choose different backends"),
        (["--url", "http://h/", "--workspace", "/tmp"], "--workspace is for a local session"),
        (["--mcp", "x", "--header", "A: b"], "--header is for an HTTP MCP server"),
        (["--server", "x"], "add --config FILE"),
        (["--env", "novalue", "--mcp", "x"], "--env novalue: novalue is not set in baysh's environment"),
        (["--label", "=x"], "--label '=x' is not key=value"),
        (["--check"], "--check works with --replay FILE"),
        (["--no-such-flag"], "Unknown option '--no-such-flag'"),
        (["serve", "--workspace", "/tmp", "--session-id", "x"], "leave them out with --session-id"),
        (["sessions", "--image", "x"], "--image is for a new session"),
    ])
    func badCombinationsAreUsageErrors(arguments: [String], message: String) throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let run = try baysh.piped(arguments)
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(baysh.sessionRecords.isEmpty)
    }

    @Test func shellIsTheDefaultAndSessionsListsLocalOnes() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let folder = baysh.path("work")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let explicit = try await baysh.run(
            ["shell", "--keep", "--workspace", folder, "--label", "team=blue", "-c", "write_file path=x content=y"])
        #expect(explicit.status == 0, "\(explicit.stderr)")
        let implicit = try await baysh.run(["--keep", "--format", "json", "--no-history", "-c", ":session"])
        #expect(implicit.status == 0, "\(implicit.stderr)")
        let all = try await baysh.run(["sessions"])
        #expect(all.status == 0)
        #expect(all.stdout.hasPrefix("ID"))
        #expect(all.stdout.split(separator: "\n").count == 3)
        let blue = try await baysh.run(["sessions", "--label", "team=blue"])
        let rows = blue.stdout.split(separator: "\n")
        #expect(rows.count == 2)
        #expect(rows.last?.contains("team=blue") == true && rows.last?.hasSuffix(folder) == true)
        for arguments in [["shell", "--help"], ["--help"]] {
            let help = try baysh.piped(arguments)
            for group in ["SESSION:", "MCP SERVER:", "AGENTBAY:", "SHELL:", "TRANSCRIPTS:"] {
                #expect(help.stdout.contains(group), "\(arguments) lacks \(group)")
            }
        }
        // The top-level help also names the other subcommands.
        let top = try baysh.piped(["--help"])
        #expect(top.stdout.contains("USAGE: baysh [shell]") && top.stdout.contains("serve") && top.stdout.contains("sessions"))
    }
}
