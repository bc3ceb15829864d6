import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

#if canImport(Glibc)
    import Glibc
#endif

/// Files and environments around a hostile peer: what baysh reads (`@=`, `:source`), writes (server logs,
/// transcripts) and hands on (a server's environment) stays bounded, asked for and free of its own secrets.
@Suite("Hostile peers: files and secrets", .serialized)
struct HostileFilesTests {
    /// A sparse file of `size` bytes that takes no disk.
    static func sparseFile(_ directory: TemporaryDirectory, _ name: String, size: Int) throws -> String {
        let path = directory.url.appendingPathComponent(name).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(descriptor) }
        #expect(ftruncate(descriptor, off_t(size)) == 0)
        return path
    }

    // MARK: - Reading

    /// `content@=` of a 2 GB file is refused from its size, before reading; one that says 0 (/proc, /dev) is
    /// refused once the limit is read.
    @Test func atEqualsFilesHaveASizeLimit() throws {
        let directory = try TemporaryDirectory()
        let big = try Self.sparseFile(directory, "big.txt", size: 2_100_000_000)
        let started = ContinuousClock.now
        #expect(throws: FileReadError("is 2100.0 MB, over the 16.0 MB limit for @=; use a smaller file")) {
            _ = try FileReadError.readText(big)
        }
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(throws: FileReadError("is over the 16.0 MB limit for @=; use a smaller file")) {
            _ = try FileReadError.readText("/dev/zero")
        }
        let small = directory.url.appendingPathComponent("small.txt")
        try Data("hello\n".utf8).write(to: small)
        #expect(try FileReadError.readText(small.path) == "hello\n")
        // Through the resolver, as a call line sees it.
        let diagnostics: [CallLineDiagnostic]
        do {
            _ = try ArgumentResolver(schema: nil).resolve(try CallLine.parse("t content@=\(big)"))
            diagnostics = []
        } catch { diagnostics = error.diagnostics }
        #expect(diagnostics.map(\.message).joined().contains("over the 16.0 MB limit for @="))
    }

    /// `:source` and `--replay` refuse a transcript over the limit instead of taking ten times its size.
    @Test func transcriptsHaveASizeLimit() throws {
        let directory = try TemporaryDirectory()
        let big = try Self.sparseFile(directory, "big.transcript", size: 100_000_000)
        #expect(throws: TranscriptError.unreadable(
            path: big, reason: "is 100.0 MB, over the 32.0 MB limit for transcripts; use a smaller file"))
        {
            _ = try TranscriptReader().read(path: big)
        }
    }

    // MARK: - Secrets

    /// The AgentBay key in baysh's environment is masked on a local session too, and `@=` will not send a file
    /// holding it (`/proc/self/environ`).
    @Test func theAgentBayKeyIsMaskedOnEveryBackend() throws {
        var baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let key = "akm-hostile-local-key-9876"
        baysh.extraEnvironment = ["AGENTBAY_API_KEY": key]
        let run = try baysh.pipedWithin([
            "--local", "--yes", "-c", "write_file path=env.txt content@=/proc/self/environ",
            "-c", "shell command=\"echo key=\(key)\"",
        ])
        #expect(run.stderr.contains("holds a secret baysh knows (akm-****9876"), "\(run)")
        #expect(run.stdout == "key=akm-****9876\n", "\(run)")
        #expect(!run.stdout.contains(key) && !run.stderr.contains(key))
    }

    /// A stdio server does not inherit baysh's secrets unless `--env NAME` passes one on.
    @Test func stdioServersGetBayshSecretsOnlyWhenAsked() throws {
        var baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        baysh.extraEnvironment = [
            "AGENTBAY_API_KEY": "akm-hostile-server-key-4321", "HOSTILE_BEARER": "bearer-token-1234",
        ]
        let server = try MCPFixtures.hostileServerCommand
        let withheld = try baysh.pipedWithin(["--mcp", server, "-c", "secrets"])
        #expect(withheld.stdout == "AGENTBAY_API_KEY=<unset> HOSTILE_BEARER=bearer-token-1234\n", "\(withheld)")
        let given = try baysh.pipedWithin(["--mcp", server, "--env", "AGENTBAY_API_KEY", "-c", "secrets"])
        #expect(given.stdout == "AGENTBAY_API_KEY=akm-****4321 HOSTILE_BEARER=bearer-token-1234\n", "\(given)")
        // A variable holding any secret baysh registered (a --bearer-env token) is withheld by its value.
        Redactor.shared.register("bearer-token-1234")
        let inherited = ServerProcess.inheritedEnvironment(["HOSTILE_BEARER": "bearer-token-1234", "PATH": "/bin"])
        #expect(inherited == ["PATH": "/bin"])
    }

    // MARK: - Writing

    /// A noisy server's log is capped and rotated to FILE.1; a symlink planted as the log is not followed.
    @Test func theServerLogIsCappedAndRotated() async throws {
        let directory = try TemporaryDirectory()
        let log = directory.url.appendingPathComponent("noisy.log").path
        // 25 MB of stderr, in lines.
        let noisy = "yes 'noise from a server that never stops talking' | head -c 25000000 >&2"
        let process = try ServerProcess.start(command: ["sh", "-c", noisy], stderr: .file(log))
        close(process.stdinDescriptor)
        close(process.stdoutDescriptor)
        #expect(await process.waitForExit(timeout: .seconds(60)))
        let current = try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int ?? 0
        let rotated = try FileManager.default.attributesOfItem(atPath: log + ".1")[.size] as? Int ?? 0
        #expect(current <= StderrSink.logLimit && rotated <= StderrSink.logLimit + 16 * 1024)
        #expect(current + rotated < 25_000_000 && rotated >= StderrSink.logLimit)

        let target = directory.url.appendingPathComponent("precious.txt").path
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: target))
        let link = directory.url.appendingPathComponent("link.log").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: SessionError.self) {
            _ = try ServerProcess.start(command: ["sh", "-c", "echo hi >&2"], stderr: .file(link))
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
    }

    /// `--record` onto an existing file is refused in a script without `--force`; a symlink is never written
    /// through, with or without it.
    @Test func recordDoesNotReplaceOrFollow() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let existing = baysh.root.appendingPathComponent("existing.txt").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: existing))
        let refused = try baysh.pipedWithin(["--local", "--record", existing, "-c", ":timing on"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("it already exists (add --force to replace it)"), "\(refused)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "old\n")
        let forced = try baysh.pipedWithin(["--local", "--record", existing, "--force", "-c", ":timing on"])
        #expect(forced.status == 0, "\(forced)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8).contains(":timing on"))

        let target = baysh.root.appendingPathComponent("precious.txt").path
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: target))
        let link = baysh.root.appendingPathComponent("link.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let viaFlag = try baysh.pipedWithin(["--local", "--record", link, "--force", "-c", ":timing on"])
        #expect(viaFlag.stderr.contains("symlink"), "\(viaFlag)")
        let viaCommand = try baysh.pipedWithin([
            "--local", "-c", ":save 1 \(link) --force", "-c", ":record \(link) --force",
        ])
        #expect(viaCommand.stderr.contains("\(link) is a symlink, which baysh does not write through"), "\(viaCommand)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
    }

    /// On a terminal, `--record` and `:save` onto an existing file ask first; no leaves the file as it was.
    @Test func aTerminalIsAskedBeforeAFileIsReplaced() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let existing = baysh.root.appendingPathComponent("existing.txt").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: existing))
        let terminal = try baysh.terminal(["--local", "--record", existing])
        try terminal.waitFor("\(existing) already exists. Replace it? [y/N] ")
        terminal.type("y\r")
        try terminal.waitForPrompt()
        terminal.type(":timing on\r")
        try terminal.waitFor(":timing on\ntiming on\n")
        try terminal.waitForPrompt()
        terminal.type(":save 1 \(existing)\r")
        try terminal.waitFor("already exists. Replace it? [y/N] ")
        terminal.type("n\r")
        try terminal.waitFor("\(existing) left as it was")
        try terminal.waitForPrompt()
        terminal.type("\u{4}")
        _ = try terminal.waitForExit(timeout: .seconds(20))
        // Replaced by the recording (the user said yes), not by :save (the user said no).
        let recorded = try String(contentsOfFile: existing, encoding: .utf8)
        #expect(recorded.contains("> :timing on") && !recorded.contains("old"), "\(recorded)")
    }
}
