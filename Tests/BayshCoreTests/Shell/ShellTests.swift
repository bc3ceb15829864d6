import BayshCore
import Foundation
import MCP
import Synchronization
import Testing

/// Drives a ``Shell`` over a ``ScriptedSession`` in process, with plain input and collected output.
final class ShellHarness: @unchecked Sendable {
    let session: ScriptedSession
    let state: URL
    let shell: Shell
    let interrupts = InterruptSignal()
    private let collected = Collector()

    final class Collector: Sendable {
        private let items = Mutex<[(RenderedOutput.Stream, String)]>([])
        func add(_ stream: RenderedOutput.Stream, _ text: String) { items.withLock { $0.append((stream, text)) } }
        func text(of stream: RenderedOutput.Stream) -> String {
            items.withLock { $0.filter { $0.0 == stream }.map(\.1).joined() }
        }
        func clear() { items.withLock { $0.removeAll() } }
    }

    init(session: ScriptedSession = ScriptedSession(), input: [String] = [], settings: ShellSettings = .init(),
        historySize: Int = 1000) {
        self.session = session
        self.state = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-shell-\(UUID().uuidString)")
        var lines = input[...]
        let collected = self.collected
        self.shell = Shell(
            session: session, editor: PlainLineReader { lines.popFirst() },
            writer: TerminalWriter { text, stream in collected.add(stream, text) },
            options: Shell.Options(settings: settings, historySize: historySize, statePaths: StatePaths(root: state),
                interrupts: interrupts))
    }

    deinit { try? FileManager.default.removeItem(at: state) }

    var stdout: String { collected.text(of: .standardOutput) }
    var stderr: String { collected.text(of: .standardError) }
    func clear() { collected.clear() }

    /// Loads the tools (as a run does) and runs one line.
    @discardableResult
    func run(_ line: String) async -> CommandOutcome {
        if !shell.toolsKnown { _ = await shell.run(lines: []) ; clear() }
        return await shell.execute(line)
    }
}

@Suite("Shell pipeline")
struct ShellPipelineTests {
    @Test func callIsParsedTypedSentAndRendered() async {
        let harness = ShellHarness(session: ScriptedSession { name, arguments in
            ToolResult(content: [.text(#"{"stdout":"out\n","stderr":"","exit_code":0}"#)])
        })
        let outcome = await harness.run("shell \"ls -la\" timeout_ms=5")
        #expect(!outcome.failed)
        #expect(harness.session.calls.last?.arguments == ["command": "ls -la", "timeout_ms": 5])
        #expect(harness.stdout == "out\n")
    }

    @Test func validationErrorsPrintTheLineWithACaretAndSendNothing() async {
        let harness = ShellHarness()
        let outcome = await harness.run("read_file path=a length=0")
        #expect(outcome.failed)
        #expect(harness.session.calls.isEmpty)
        #expect(harness.stderr.contains("read_file path=a length=0\n                   ^~~~~~~~"))
        harness.clear()
        await harness.run("shel ls")
        #expect(harness.stderr.hasPrefix("error: unknown tool 'shel'; did you mean 'shell'?\n  shel ls\n  ^~~~\n"))
    }

    @Test func scriptExitStatusCountsEveryKindOfFailure() async {
        let session = ScriptedSession { name, arguments in
            if arguments["command"] == "fail" { return ToolResult(content: [.text("bad")], isError: true) }
            if arguments["command"] == "throw" { throw SessionError.transport("connection reset") }
            return ToolResult(content: [.text("fine")])
        }
        for (lines, status) in [
            (["shell ok"], Int32(0)), (["shell fail", "shell ok"], 1), (["shell throw"], 1), (["shell \"open"], 1),
            (["read_file"], 1), (["nosuch x"], 1), ([":nosuch"], 1), ([":help"], 0),
        ] {
            let harness = ShellHarness(session: session)
            #expect(await harness.shell.run(lines: lines) == status, "\(lines)")
        }
        let harness = ShellHarness(session: session, input: ["shell ok", "shell throw", "shell ok"])
        #expect(await harness.shell.run() == 1)
        #expect(harness.stdout == "fine\nfine\n")
        #expect(harness.stderr == "connection reset\n")
    }

    @Test func exitDeletesACreatedSessionUnlessKept() async {
        let created = ShellHarness()
        _ = await created.shell.run(lines: ["shell ok"])
        #expect(created.session.deleted && !created.session.closed)

        let kept = ShellHarness(input: [":keep"])
        _ = await kept.shell.run()
        #expect(!kept.session.deleted && kept.session.closed)

        let attached = ShellHarness(session: ScriptedSession(ownership: .attached))
        _ = await attached.shell.run(lines: [])
        #expect(!attached.session.deleted && attached.session.closed)

        let flagged = ShellHarness(settings: ShellSettings(keepSession: true))
        _ = await flagged.shell.run(lines: [])
        #expect(!flagged.session.deleted)
    }

    @Test func quitStopsReadingAndDeleteEndsTheSessionOnce() async {
        let harness = ShellHarness(input: [":quit", "shell never"])
        #expect(await harness.shell.run() == 0)
        #expect(harness.session.calls.isEmpty)
        let deleting = ShellHarness(input: [":delete", "shell never"])
        _ = await deleting.shell.run()
        #expect(deleting.session.deleted && !deleting.session.closed)
        #expect(deleting.session.calls.isEmpty)
        #expect(deleting.stderr.contains("deleted session local-t3st"))
    }

    @Test func callsAreCancelledAndTheShellGoesOn() async {
        let harness = ShellHarness(session: ScriptedSession { name, arguments in
            try await Task.sleep(for: .seconds(30))
            return ToolResult(content: [.text("late")])
        })
        _ = await harness.shell.run(lines: [])
        let call = Task { await harness.shell.execute("shell slow") }
        try? await Task.sleep(for: .milliseconds(200))
        harness.interrupts.interrupt()
        let outcome = await call.value
        #expect(outcome.failed)
        #expect(harness.stderr == "cancelling… (Ctrl-C again to stop waiting)\nshell cancelled\n")
        #expect(await harness.shell.execute(":session").failed == false)
    }
}

extension ShellPipelineTests {
    @Test func aSecondCtrlCStopsWaitingForACallThatIgnoresCancel() async {
        let harness = ShellHarness(session: ScriptedSession { name, arguments in
            // Not cancellable: resumes only after 30 s whatever happens.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + 30) { continuation.resume() }
            }
            return ToolResult(content: [.text("late")])
        })
        _ = await harness.shell.run(lines: [])
        let started = ContinuousClock.now
        let call = Task { await harness.shell.execute("shell stuck") }
        try? await Task.sleep(for: .milliseconds(200))
        harness.interrupts.interrupt()
        try? await Task.sleep(for: .milliseconds(100))
        harness.interrupts.interrupt()
        let outcome = await call.value
        #expect(outcome.failed)
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(harness.stderr.hasSuffix("shell: stopped waiting; the session is still open\n"))
    }
}

@Suite("Meta commands")
struct MetaCommandTests {
    @Test func helpListsAndExplains() async {
        let harness = ShellHarness()
        await harness.run(":help")
        for command in MetaCommand.builtIn { #expect(harness.stdout.contains(command.usage)) }
        harness.clear()
        await harness.run(":help describe")
        #expect(harness.stdout.hasPrefix(":describe [TOOL]\nshow a tool's description"))
        #expect(await harness.run(":help nosuch").failed)
        let unknown = await harness.run(":descrbe shell")
        #expect(unknown.failed)
        #expect(harness.stderr.contains("unknown command ':descrbe'; did you mean ':describe'?"))
    }

    @Test func toolsShowCompactSignatures() async {
        let harness = ShellHarness()
        await harness.run(":tools")
        #expect(harness.stdout.contains("shell                command:string [cwd:string] [timeout_ms:integer]\n"))
        harness.clear()
        await harness.run(":tools READ")
        #expect(harness.stdout == "read_file            path:string [filter:object] [length:integer]\n"
            + "read_multiple_files  paths:array<string>\n")
        #expect(harness.stderr == "2 of 4 tools\n")
    }

    @Test func describeShowsTableAnnotationsAndExample() async {
        let harness = ShellHarness()
        await harness.run(":describe write_file")
        #expect(harness.stdout == """
            write_file
            Write a file

            server:       wuying_filesystem
            annotations:  destructive
            confirm:      asks before calling (destructive); answer a to stop asking, --yes skips

              argument  type                              required  default  description
              path      string                            yes
              content   string                            yes
              create    boolean
              kind      "text"
              mode      "overwrite"|"append"|"two words"                     (one of: overwrite, append, two words)

            example:
              write_file path=PATH content=CONTENT

            """)
        let missing = await harness.run(":describe writ_file")
        #expect(missing.failed)
        #expect(harness.stderr.contains("did you mean 'write_file'?"))
    }

    @Test func explainPrintsArgumentsAndErrorsWithoutCalling() async {
        let harness = ShellHarness()
        await harness.run(":explain shell \"ls -la\" timeout_ms=5")
        #expect(harness.stdout == "{\n  \"command\" : \"ls -la\",\n  \"timeout_ms\" : 5\n}\n")
        harness.clear()
        let bad = await harness.run(":explain write_file path=a content=b mode=bad")
        #expect(bad.failed)
        #expect(harness.stderr.contains("write_file path=a content=b mode=bad\n                              ^~~~~~~~"))
        #expect(harness.session.calls.isEmpty)
    }

    @Test func sessionFactsLabelsInfoLinkServer() async {
        let vpc = VPCInfo(isEnabled: true, networkInterfaceIP: "10.0.0.5", httpPort: "8080",
            token: Secret("vpc-token-0123456789"))
        let harness = ShellHarness(session: ScriptedSession(vpc: vpc, maskedAPIKey: "akm-****abcd"))
        await harness.run(":session")
        #expect(harness.stdout.contains("id:         local-t3st\n"))
        #expect(harness.stdout.contains("api key:    akm-****abcd\n"))
        #expect(harness.stdout.contains("vpc:        enabled, ip 10.0.0.5, port 8080, token vpc-****6789\n"))
        #expect(harness.stdout.contains("ownership:  created by baysh, deleted on exit (:keep keeps it)\n"))
        harness.clear()
        await harness.run(":labels team=infra owner=\"Ada L\"")
        await harness.run(":labels")
        #expect(harness.stdout == "owner=Ada L\nteam=infra\n")
        #expect(await harness.run(":labels nokey").failed)
        harness.clear()
        await harness.run(":info")
        #expect(harness.stdout == "session id:  local-t3st\nworkspace:   /tmp/w\nrequest id:  R1\n")
        harness.clear()
        await harness.run(":link wss 30150 a=b")
        #expect(harness.stdout == "wss://example.invalid:30150/a=b\n")
        let outOfRange = await harness.run(":link https 80")
        #expect(outOfRange.failed)
        #expect(harness.stderr.contains("port 80 is out of range"))
        harness.clear()
        await harness.run(":server read_file")
        #expect(harness.stdout == "wuying_filesystem\n")
        #expect(await harness.run(":reconnect").output.standardError.contains("not needed"))
    }

    @Test func settingsChangeHowCallsRunAndPrint() async {
        let harness = ShellHarness()
        await harness.run(":format json")
        await harness.run("shell ls")
        #expect(harness.stdout.contains("\"isError\" : false"))
        harness.clear()
        await harness.run(":format raw")
        await harness.run("shell ls")
        #expect(harness.stdout == "shell ok")
        #expect(await harness.run(":format yaml").failed)
        await harness.run(":timing on")
        harness.clear()
        await harness.run("shell ls")
        #expect(harness.stderr.contains("took "))
        await harness.run(":timeout read=1500 connect=0")
        #expect(harness.shell.settings.readTimeout == .milliseconds(1500))
        #expect(harness.shell.settings.connectTimeout == nil)
        #expect(await harness.run(":timeout read=abc").failed)
        await harness.run(":set hints off")
        #expect(!harness.shell.settings.hints)
        #expect(await harness.run(":set colour on").failed)
    }

    @Test func historyAndRerun() async {
        let harness = ShellHarness(input: ["shell one", " shell secret", "shell two", "shell two", ":history", ":rerun 1"])
        // Plain input is not recorded; record as an interactive shell does.
        for line in ["shell one", " shell secret", "shell two", "shell two"] { harness.shell.history.record(line) }
        await harness.run(":history")
        #expect(harness.stdout == "1  shell one\n2  shell two\n")
        harness.clear()
        await harness.run(":rerun 1")
        #expect(harness.session.calls.last?.arguments == ["command": "one"])
        #expect(harness.shell.history.entries.last == "shell one")
        await harness.run(":rerun -2")
        #expect(harness.session.calls.last?.arguments == ["command": "two"])
        #expect(await harness.run(":rerun 99").failed)
        harness.clear()
        await harness.run(":history 2-3")
        #expect(harness.stdout == "2  shell two\n3  shell one\n")
    }
}
