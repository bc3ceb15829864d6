import BayshTestSupport
import Foundation
import Synchronization
import Testing

@testable import BayshCore

/// The shell's ``ServerConversation`` on a real session to the Python fixture: log lines filtered by level and
/// coloured only when the writer colours stderr, and kept for the running command's record.
@Suite("Server conversation in the shell", .timeLimit(.minutes(2)))
struct ServerConversationTests {
    /// An editor that only collects what is printed above its line.
    final class CollectingEditor: LineEditor, @unchecked Sendable {
        let printed = Mutex<[String]>([])
        var isInteractive: Bool { false }
        func readLine(prompt: String) -> LineInput { .endOfInput }
        func addHistory(_ line: String) {}
        func setCompletion(_ provider: CompletionProvider?) {}
        func setHints(_ provider: HintProvider?) {}
        func printAbove(_ text: String) { printed.withLock { $0.append(text) } }
    }

    @Test("log lines: info and above by default, coloured by level only with colours on, recorded", arguments: [true, false])
    func logLines(colours: Bool) async throws {
        let target = MCPTarget.stdio(command: [try MCPFixtures.python, RichServer.script, "stdio"])
        try await withMCPSession(target) { session in
            let editor = CollectingEditor()
            let writer = TerminalWriter(colorsOnStandardError: colours) { _, _ in }
            let conversation = ServerConversation(
                session: session, editor: editor, writer: writer, roots: []) { _ in }
            session.setConversation(conversation)
            conversation.beginCommand()
            _ = try await session.callTool(name: "chatty", arguments: [:])
            let (heard, _) = conversation.endCommand()
            #expect(heard.transcriptLines.map(\.text) == [
                "[info rich.core] info line", "[warning] careful now", #"[error] {"code":7,"why":"bad"}"#,
            ])
            let printed = editor.printed.withLock { $0 }
            if colours {
                #expect(printed == [
                    "[info rich.core] info line\n", "\u{1B}[33m[warning] careful now\u{1B}[0m\n",
                    "\u{1B}[31m[error] {\"code\":7,\"why\":\"bad\"}\u{1B}[0m\n",
                ])
            } else {
                #expect(printed.allSatisfy { !$0.contains("\u{1B}") })
                #expect(printed.count == 3)
            }
            conversation.logLevel = .error
            _ = try await session.callTool(name: "chatty", arguments: [:])
            #expect(editor.printed.withLock { $0.count } == 4)
        }
    }
}
