import Testing

@testable import BayshCore

/// Each kind of mask the recorder writes, that masks stay specific, and that a placeholder on replay matches only
/// its kind of value while a real change is still a difference.
@Suite struct OutputMasksTests {
    let masks = OutputMasks(
        workspace: "/tmp/baysh-test/data/sessions/local-ab12cd34ef56",
        outputFolder: "/tmp/baysh-test/state/output/local-ab12cd34ef56", sessionId: "local-ab12cd34ef56")

    func out(_ text: String) -> String { masks.mask(text, isError: false) }
    func err(_ text: String) -> String { masks.mask(text, isError: true) }

    @Test func workspaceAndOutputFolderAreMaskedAsWholePaths() {
        #expect(out("path: /tmp/baysh-test/data/sessions/local-ab12cd34ef56/notes/a.txt") == "path: <workspace>/notes/a.txt")
        #expect(out("/tmp/baysh-test/data/sessions/local-ab12cd34ef56") == "<workspace>")
        #expect(out("cwd /tmp/baysh-test/data/sessions/local-ab12cd34ef56.") == "cwd <workspace>.")
        #expect(out("image saved to /tmp/baysh-test/state/output/local-ab12cd34ef56/shot-1.png")
            == "image saved to <output>/shot-1.png")
        // Another folder that merely starts the same, or lies deeper under another root, is another value.
        #expect(out("/tmp/baysh-test/data/sessions/local-ab12cd34ef567/x") == "/tmp/baysh-test/data/sessions/local-ab12cd34ef567/x")
        #expect(out("/private/tmp/baysh-test/data/sessions/local-ab12cd34ef56/x").hasPrefix("/private/tmp/"))
        #expect(out("/tmp/baysh-test/data/sessions/local-ab12cd34ef56.bak") == "/tmp/baysh-test/data/sessions/local-ab12cd34ef56.bak")
    }

    @Test func sessionIdIsMaskedItselfAndAfterItsName() {
        #expect(out("session_id:  local-ab12cd34ef56") == "session_id:  <session-id>")
        #expect(out("{\"sessionId\": \"session-04bdwfj7u688ec96t\"}") == "{\"sessionId\": \"<session-id>\"}")
        #expect(out("the session id is wrong") == "the session id is wrong")
    }

    @Test func traceAndRequestIdsAreMaskedAfterTheirNames() {
        #expect(err("exit code 3 (trace id bb76aaedb1acd1f6ed65f4d0a09aba95)") == "exit code 3 (trace id <trace-id>)")
        #expect(out("  \"traceId\" : \"77f9e0a1b2c3d4e5\",") == "  \"traceId\" : \"<trace-id>\",")
        #expect(out("request id:  local-0a1b2c3d4e5f") == "request id:  <request-id>")
        #expect(out("{\"RequestId\":\"7E3F-11AA-2B\"}") == "{\"RequestId\":\"<request-id>\"}")
        #expect(out("\"text\" : \"{\\\"stdout\\\":\\\"\\\",\\\"traceId\\\":\\\"abc123def456\\\"}\"")
            == "\"text\" : \"{\\\"stdout\\\":\\\"\\\",\\\"traceId\\\":\\\"<trace-id>\\\"}\"")
        // Words are not ids: no digit, or too short.
        #expect(err("exit code 3 (trace id unknown)") == "exit code 3 (trace id unknown)")
        #expect(out("request id: 42") == "request id: 42")
        // A name inside a longer word is not the name.
        #expect(out("retrace id abc123456") == "retrace id abc123456")
    }

    @Test func timestampsAreMaskedInTheirISOForms() {
        #expect(out("modified: 2026-12-02T06:10:00Z") == "modified: <time>")
        #expect(out("at 2026-12-02 06:10:00.123+01:00 and 2026-12-02T06:10Z.") == "at <time> and <time>.")
        #expect(out("\"created\" : \"2026-12-02T06:10:00.5-0800\"") == "\"created\" : \"<time>\"")
        // Inside a JSON text a value may follow an escaped line break or tab.
        #expect(out(#""text" : "a\n2026-12-02T06:10:00Z\tlocal-ab12cd34ef56""#) == #""text" : "a\n<time>\t<session-id>""#)
        // A date alone, a version, a number glued to the time: not timestamps.
        #expect(out("released 2026-12-02") == "released 2026-12-02")
        #expect(out("v2026-12-02T06:10:00Z") == "v2026-12-02T06:10:00Z")
        #expect(out("2026-12-02T06:10:00Zulu") == "2026-12-02T06:10:00Zulu")
        #expect(out("count 12026-12-0") == "count 12026-12-0")
    }

    @Test func durationsAreMaskedInTookNotesOnStderrOnly() {
        #expect(err("took 3 ms") == "took <duration>")
        #expect(err("took 2.31 s") == "took <duration>")
        #expect(out("took 3 ms") == "took 3 ms")
        #expect(err("took 3 msec") == "took 3 msec")
        #expect(err("the command timed out after 300 ms") == "the command timed out after 300 ms")
    }

    @Test func contentCountsAndNamesAreNeverMasked() {
        for text in ["size: 21", "Successfully wrote 21 bytes to notes/todo.txt", "exit code 3", "[FILE] todo.txt",
            "permissions: 644", "buy milk 2026"]
        {
            #expect(out(text) == text)
        }
    }

    // MARK: - Replay

    func lines(_ text: String) -> [OutputLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("! ") ? OutputLine(String(line.dropFirst(2)), isError: true) : OutputLine(String(line))
        }
    }

    func matches(_ recorded: String, _ printed: String) -> Bool {
        OutputMatcher.matches(expected: lines(recorded), actual: lines(printed), masks: masks)
    }

    @Test func aPlaceholderMatchesOnlyItsKindOfValue() {
        #expect(matches("modified: <time>", "modified: 2027-01-01T00:00:00Z"))
        #expect(!matches("modified: <time>", "modified: yesterday"))
        #expect(!matches("modified: <time>", "modified: 2027-01-01"))
        #expect(matches("path: <workspace>/a.txt", "path: /tmp/baysh-test/data/sessions/local-ab12cd34ef56/a.txt"))
        #expect(!matches("path: <workspace>/a.txt", "path: /tmp/elsewhere/a.txt"))
        #expect(matches("! exit code 3 (trace id <trace-id>)", "! exit code 3 (trace id 0123456789abcdef)"))
        #expect(!matches("! exit code 3 (trace id <trace-id>)", "! exit code 3 (trace id none)"))
        #expect(matches("! took <duration>", "! took 12 ms"))
        #expect(!matches("! took <duration>", "! took ages"))
        // A placeholder is not a wildcard for another kind.
        #expect(!matches("modified: <time>", "modified: /tmp/baysh-test/data/sessions/local-ab12cd34ef56"))
        // It matches its own text, so output that really says `<time>` still checks.
        #expect(matches("<time> is an HTML element", "<time> is an HTML element"))
    }

    @Test func maskingNeverHidesARealChange() {
        #expect(!matches("! exit code 3 (trace id <trace-id>)", "! exit code 4 (trace id 0123456789abcdef)"))
        #expect(!matches("path: <workspace>/a.txt\nsize: 21", "path: /tmp/baysh-test/data/sessions/local-ab12cd34ef56/a.txt\nsize: 22"))
        #expect(!matches("path: <workspace>/a.txt", "path: /tmp/baysh-test/data/sessions/local-ab12cd34ef56/b.txt"))
        #expect(!matches("! ls: cannot access 'nope'\n! exit code 2 (trace id <trace-id>)",
            "! ls: cannot open 'nope'\n! exit code 2 (trace id 0123456789abcdef)"))
        #expect(!matches("[FILE] a.txt\n[FILE] b.txt", "[FILE] a.txt"))
    }

    @Test func jsonComparesAsJSONWhenBothSidesParse() {
        #expect(matches("{\"b\": 1, \"a\": [1, 2]}", "{\n  \"a\" : [\n    1,\n    2\n  ],\n  \"b\" : 1.0\n}"))
        #expect(matches("{\"when\": \"<time>\", \"traceId\": \"<trace-id>\"}",
            "{\"traceId\": \"abcdef123456\", \"when\": \"2026-12-02T06:10:00Z\"}"))
        #expect(matches("{\"path\": \"...\", \"n\": 1}", "{\"n\": 1, \"path\": \"/anything\"}"))
        #expect(!matches("{\"b\": 1, \"a\": [1, 2]}", "{\"a\": [2, 1], \"b\": 1}"))
        #expect(!matches("{\"b\": 1, \"a\": [1, 2]}", "{\"a\": [1, 2], \"b\": 1, \"c\": null}"))
        #expect(!matches("{\"when\": \"<time>\"}", "{\"when\": \"soon\"}"))
        // Text that is not JSON on both sides compares as text: layout matters there.
        #expect(!matches("b: 1\na: 2", "a: 2\nb: 1"))
        // The same JSON on another stream is another output.
        #expect(!matches("{\"a\": 1}", "! {\"a\": 1}"))
    }

    @Test func diffShowsPrintedLinesMaskedAndPlaceholdersAsUnchanged() {
        let diff = UnifiedDiff(
            expected: lines("path: <workspace>/a.txt\nsize: 21"),
            actual: lines("path: /tmp/baysh-test/data/sessions/local-ab12cd34ef56/a.txt\nsize: 22"), masks: masks)
        let text = diff.render(file: "t.txt", line: 3)
        #expect(text.contains("\n path: <workspace>/a.txt\n"))
        #expect(text.contains("-size: 21\n+size: 22"))
    }
}
