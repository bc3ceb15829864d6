import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// The sandbox flags of the `baysh` binary: a sandbox that cannot start refuses the local session and says what to
/// do, `--no-sandbox` warns and shows in `:session`, `--network` shows there too, and `baysh serve` uses the sandbox.
@Suite("baysh sandbox flags", .serialized)
struct SandboxCommandLineTests {
    @Test func withoutBubblewrapTheLocalSessionIsRefusedWithWhatToDo() async throws {
        var baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        baysh.extraEnvironment["PATH"] = baysh.path("empty")
        let run = try await baysh.run(["-c", "shell command='echo unconfined'"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bubblewrap (bwrap) is not installed"), "\(run.stderr)")
        #expect(run.stderr.contains("sudo apt-get install bubblewrap") && run.stderr.contains("--no-sandbox"))
        #expect(!run.stdout.contains("unconfined"))
        #expect(baysh.sessionRecords.isEmpty)
    }

    @Test func aBubblewrapThatCannotMakeNamespacesIsQuoted() async throws {
        var baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let folder = baysh.path("fakebin")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fake = folder + "/bwrap"
        try "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n"
            .write(toFile: fake, atomically: false, encoding: .utf8)
        chmod(fake, 0o755)
        baysh.extraEnvironment["PATH"] = folder + ":/usr/bin:/bin"
        let run = try await baysh.run(["-c", "shell command=true"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("cannot start here: bwrap: No permissions to create new namespace"), "\(run.stderr)")
        #expect(run.stderr.contains("unprivileged user namespaces") && run.stderr.contains("--no-sandbox"))
        #expect(baysh.sessionRecords.isEmpty)
    }

    @Test func noSandboxWarnsAndShowsInSession() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let off = try await baysh.run(["--no-sandbox", "--no-history", "-c", ":session", "-c", "shell command='ls /'"])
        #expect(off.status == 0, "\(off.stderr)")
        #expect(off.stderr.contains("warning: --no-sandbox: shell and run_code run unconfined"))
        #expect(off.stdout.contains("sandbox:") && off.stdout.contains("OFF (--no-sandbox)"))
        #expect(off.stdout.contains("work\n"))
        let on = try await baysh.run(["--network", "--sandbox-memory", "2G", "--no-history", "-c", ":session",
                                      "-c", "shell command='ls /'"])
        #expect(on.status == 0, "\(on.stderr)")
        #expect(!on.stderr.contains("warning"))
        #expect(on.stdout.contains("bubblewrap; network on; limits: memory 2 GiB, file size 1 GiB, 256 processes"))
        #expect(!on.stdout.contains("work\n"))
    }

    @Test func badSandboxFlagsAreUsageErrors() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let size = try baysh.piped(["--sandbox-memory", "lots", "-c", ":session"])
        #expect(size.status == 2 && size.stderr.contains("--sandbox-memory 'lots' is not a size"), "\(size.stderr)")
        let mcp = try baysh.piped(["--mcp", "x", "--no-sandbox"])
        #expect(mcp.status == 2 && mcp.stderr.contains("is for a local session's sandbox"), "\(mcp.stderr)")
    }

    @Test func serveRunsTheShellInTheSandbox() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"shell","arguments":{"command":"ls -A / | tr '\\n' ' '"}}}"#,
        ].joined(separator: "\n") + "\n"
        let run = try await baysh.run(["serve"], input: requests)
        #expect(run.stderr.contains("sandbox: bubblewrap; network off"), "\(run.stderr)")
        #expect(run.stdout.contains("bin dev etc"), "\(run.stdout)")
        // Only the system's folders: no /work, /home or /root (the call's answer is the line with id 2).
        let listing = run.stdout.split(separator: "\n").first { $0.contains(#""id":2"#) } ?? ""
        #expect(!listing.contains("work") && !listing.contains("home") && !listing.contains("root"), "\(listing)")
    }

    @Test func theSandboxDiesWithBaysh() async throws {
        var baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        // A baysh killed with SIGKILL cannot remove its sandbox's host folder: keep it in the test's folder.
        baysh.extraEnvironment["TMPDIR"] = baysh.root.path
        let (process, stdin) = try baysh.start(["serve"])
        defer { try? stdin.fileHandleForWriting.close() }
        try await BayshProcess.waitUntil(timeout: .seconds(20), "baysh serve is serving") {
            (try? String(contentsOfFile: baysh.path("run.err"), encoding: .utf8))?.contains("serving local session") == true
        }
        let parents = SandboxAgent.processParents()
        let sandbox = parents.filter { $0.value == process.processIdentifier }.map(\.key)
        let inside = parents.filter { sandbox.contains($0.value) }.map(\.key)
        #expect(sandbox.count == 1 && inside.count == 1, "children \(sandbox), below them \(inside)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        for pid in sandbox + inside {
            #expect(await ProcessChecks.isGone(pid), "sandbox process \(pid) outlived baysh")
        }
    }
}
