import Testing

@testable import BayshCore

/// `? ` lines: the answers typed to a server's questions while a command ran.
@Suite("Transcript answers")
struct TranscriptAnswerTests {
    @Test("answers follow the command and its continuation lines; a ? line inside the output is output")
    func reading() {
        let transcript = TranscriptReader().parse(
            """
            # baysh transcript v1
            > confirm_delete path='a
            . b'
            ? confirm=yes reason='not now'
            ?
            accept
            ? not an answer
            > chatty
            said

            """)
        #expect(transcript.entries.count == 2)
        #expect(transcript.entries[0].command == "confirm_delete path='a\nb'")
        #expect(transcript.entries[0].answers == ["confirm=yes reason='not now'", ""])
        #expect(transcript.entries[0].output == [OutputLine("accept"), OutputLine("? not an answer")])
        #expect(transcript.entries[1].answers.isEmpty)
    }

    @Test("written after the command, read back the same; printed lines starting with ? are escaped")
    func roundTrip() {
        let entry = TranscriptEntry(
            command: "confirm_delete path=a.txt", output: [OutputLine("? a question mark"), OutputLine("accept")],
            answers: ["confirm=yes", "", "^C"])
        let text = TranscriptWriter.text(of: entry)
        #expect(text == "> confirm_delete path=a.txt\n? confirm=yes\n?\n? ^C\n| ? a question mark\naccept\n")
        let read = TranscriptReader().parse(text).entries
        #expect(read.first?.answers == entry.answers)
        #expect(read.first?.output == entry.output)
    }
}
