import BayshCore
import BayshTestSupport
import Foundation
import MCP
import Synchronization
import Testing

/// Ctrl-C during a schema `pattern` check, through the shell's own wiring: an interactive shell hands Ctrl-C to
/// the line's ``PatternBudget``, and the line is refused instead of the shell hanging in ICU.
@Suite("Hostile peers: Ctrl-C in pattern checks")
struct HostilePatternShellTests {
    /// An interactive editor that gives no lines: the test drives ``Shell/execute(_:)`` itself.
    final class SilentTerminal: LineEditor, @unchecked Sendable {
        var isInteractive: Bool { true }
        func readLine(prompt: String) -> LineInput { .endOfInput }
        func addHistory(_ line: String) {}
        func setCompletion(_ provider: CompletionProvider?) {}
        func setHints(_ provider: HintProvider?) {}
    }

    @Test func ctrlCStopsTheCheckAndRefusesTheLine() async throws {
        let tool = ToolInfo(
            name: "match",
            inputSchema: [
                "type": "object",
                "properties": ["values": ["type": "array", "items": ["type": "string", "pattern": "^(a+)+$"]]],
            ])
        let session = ScriptedSession(tools: [tool])
        let interrupts = InterruptSignal()
        let printed = Mutex("")
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-pattern-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        // A budget of ten minutes: only Ctrl-C can end this check in time.
        let shell = Shell(
            session: session, editor: SilentTerminal(),
            writer: TerminalWriter { text, _ in printed.withLock { $0 += text } },
            options: Shell.Options(
                historyEnabled: false, statePaths: StatePaths(root: state), interrupts: interrupts,
                patternTimeLimit: .seconds(600)))
        _ = await shell.execute(":refresh")
        let done = Mutex(false)
        // Ctrl-C again and again until the line is over, so it lands whenever the check starts.
        let presser = Task.detached {
            while !done.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(100))
                interrupts.interrupt()
            }
        }
        let started = ContinuousClock.now
        let outcome = await shell.execute("match values[]=" + String(repeating: "a", count: 40) + "!")
        done.withLock { $0 = true }
        await presser.value
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(outcome.failed)
        #expect(printed.withLock { $0 }.contains("pattern check stopped by Ctrl-C; nothing was sent"))
        #expect(session.calls.isEmpty)
    }
}
