import MCP
import Testing
@testable import BayshCore

@Suite struct JSONTextTests {
    private func parse(_ text: String) -> Value? {
        try? JSONText.parse(text).get()
    }

    @Test func keepsWhatWasWritten() {
        #expect(parse("1.0") == .double(1.0))
        #expect(parse("1") == .int(1))
        #expect(parse("-0") == .int(0))
        #expect(parse("1e2") == .double(100))
        #expect(parse(#""data:text/plain;base64,aGk=""#) == .string("data:text/plain;base64,aGk="))
        #expect(parse(#" {"a": [true, false, null, "x"], "b": {}} "#)
            == .object(["a": [true, false, nil, "x"], "b": .object([:])]))
        #expect(parse("12345678901234567890") == .double(1.2345678901234567e19))
    }

    @Test func stringEscapes() {
        #expect(parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(parse(#""\u00e9\uD83D\uDE00""#) == .string("é😀"))
    }

    @Test func errorsSayWhere() {
        let cases: [(String, Int)] = [
            (#"{"a":}"#, 5), ("[1,]", 3), (#"{"a" 1}"#, 5), ("tru", 0), ("01", 0), ("1.", 2), ("1e", 2),
            (#""abc"#, 0), (#""\q""#, 1), (#""\uD800""#, 1), (#""\uDC00""#, 1), ("[1 2]", 3), ("{", 1), ("", 0),
            ("1 2", 2), (#"{"a":1,"a":2}"#, 7), ("1e999", 0), ("\"a\u{01}\"", 2), ("'x'", 0), (#"{1:2}"#, 1),
        ]
        for (text, offset) in cases {
            switch JSONText.parse(text) {
            case .success(let value): Issue.record("\(text) parsed as \(value)")
            case .failure(let error): #expect(error.offset == offset, "\(text): \(error.message)")
            }
        }
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONText.SyntaxError.self) { try JSONText.parse(deep).get() }
        let limit = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(parse(limit) != nil)
        let over = String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(parse(over) == nil)
    }

    @Test func writesCompactSortedJSON() {
        let value: Value = ["b": [1, 2.5, "x\"y\n"], "a": .object([:]), "c": nil, "d": true]
        #expect(JSONText.encode(value) == #"{"a":{},"b":[1,2.5,"x\"y\n"],"c":null,"d":true}"#)
        #expect(JSONText.encode(.double(1.0)) == "1.0")
        #expect(JSONText.encode("é😀", asciiOnly: true) == #""\u00e9\ud83d\ude00""#)
        #expect(parse(JSONText.encode("é😀\u{301}", asciiOnly: true)) == "é😀\u{301}")
    }
}
