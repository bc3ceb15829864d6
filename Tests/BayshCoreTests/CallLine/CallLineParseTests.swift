import Testing
@testable import BayshCore

@Suite struct CallLineParseTests {
    private func arguments(_ line: String) throws -> [RawArgument] {
        try CallLine.parse(line).arguments
    }

    @Test func toolAndColumns() throws {
        let call = try CallLine.parse("   read_file path=/etc/hosts")
        #expect(call.tool == "read_file")
        #expect(call.toolColumn == 3)
        #expect(call.arguments.first?.column == 13)
        #expect(call.arguments.first?.length == 15)
    }

    @Test func everyForm() throws {
        let parsed = try arguments(#"t a=1 b:=[1] c@=notes.txt d[]=x e.f.g=2 h[]:=3 bare "two words""#)
        #expect(parsed.map(\.form) == [.assign, .json, .file, .assign, .assign, .json, .positional, .positional])
        #expect(parsed.map(\.keyPath) == [["a"], ["b"], ["c"], ["d"], ["e", "f", "g"], ["h"], [], []])
        #expect(parsed.map(\.appends) == [false, false, false, true, false, true, false, false])
        #expect(parsed.map(\.value) == ["1", "[1]", "notes.txt", "x", "2", "3", "bare", "two words"])
        #expect(parsed.map(\.quoted) == [false, false, false, false, false, false, false, true])
        let object = try arguments(#"t {"a": 1}"#)
        #expect(object.map(\.form) == [.object])
        #expect(object.first?.value == #"{"a": 1}"#)
    }

    @Test func quotingDecidesWhatIsAKey() throws {
        let parsed = try arguments(#"t "a.b"=1 'x=y' k="v=w" 'q'=r "#)
        #expect(parsed[0].keyPath == ["a.b"])
        #expect(parsed[1].form == .positional)
        #expect(parsed[1].value == "x=y")
        #expect(parsed[2].keyPath == ["k"])
        #expect(parsed[2].value == "v=w")
        #expect(parsed[2].quoted)
        #expect(parsed[3].keyPath == ["q"])
        #expect(!parsed[3].quoted)
        let empty = try arguments(#"t k="" ""=v"#)
        #expect(empty[0].value == "")
        #expect(empty[0].quoted)
        #expect(empty[1].keyPath == [""])
    }

    @Test func textThatIsNotAKeyIsPositional() throws {
        let parsed = try arguments("t https://example.com/?q=1 =x a..b=1 .a=1 a.=1 -=1")
        #expect(parsed.prefix(5).map(\.form) == [.positional, .positional, .positional, .positional, .positional])
        #expect(parsed[5].keyPath == ["-"])
    }

    @Test func markersMustBeUnquoted() throws {
        let parsed = try arguments(#"t a\:=1 a'[]'=1"#)
        #expect(parsed[0].form == .assign)
        #expect(parsed[0].keyPath == ["a:"])
        #expect(parsed[1].appends == false)
    }

    @Test func parseErrorsAreAllReported() {
        #expect(throws: CallLineError.self) { try CallLine.parse("") }
        do {
            _ = try CallLine.parse(#"t a="x\q" b='open"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.kind) == [.invalidEscape, .unterminatedQuote])
            #expect(error.diagnostics.map(\.column) == [6, 12])
        }
    }

    @Test func emptyLineAndEmptyTool() {
        for line in ["", "   ", "'' a=1"] {
            do {
                _ = try CallLine.parse(line)
                Issue.record("expected an error for \(line)")
            } catch {
                #expect(error.diagnostics.map(\.kind) == [.emptyLine])
            }
        }
    }

    @Test func objectMustBeTheOnlyArgument() {
        do {
            _ = try CallLine.parse(#"t a=1 {"b": 2}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.kind) == [.invalidJSON])
            #expect(error.diagnostics.first?.column == 6)
        }
    }

    @Test func keysNestedTooDeeplyAreRefused() {
        let key = Array(repeating: "a", count: 65).joined(separator: ".")
        do {
            _ = try CallLine.parse("t \(key)=1")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.kind) == [.nestingTooDeep])
        }
        #expect(throws: Never.self) {
            try CallLine.parse("t " + Array(repeating: "a", count: 64).joined(separator: ".") + "=1")
        }
    }
}
