import Testing
@testable import BayshCore

@Suite struct CallLineTokenizerTests {
    private func texts(_ line: String) -> [String] {
        CallLineTokenizer.tokenize(line).tokens.map(\.text)
    }

    @Test func whitespaceSeparatesTokens() {
        #expect(texts("  shell   a\tb\nc  ") == ["shell", "a", "b", "c"])
        #expect(texts("") == [])
    }

    @Test func singleQuotesAreLiteral() {
        #expect(texts(#"t 'a b' 'x\ny' 'say "hi"'"#) == ["t", "a b", #"x\ny"#, #"say "hi""#])
    }

    @Test func doubleQuotesKnowTheirEscapes() {
        #expect(texts(#"t "a \"b\" \\ c" "1\n2\t3\r""#) == ["t", #"a "b" \ c"#, "1\n2\t3\r"])
        #expect(texts(#"t "caf\u00e9""#) == ["t", "café"])
        #expect(texts(#"t "\uD83D\uDE00""#) == ["t", "😀"])
    }

    @Test func backslashEscapesOutsideQuotes() {
        #expect(texts(#"t a\ b \'c \"d"#) == ["t", "a b", "'c", "\"d"])
        let line = CallLineTokenizer.tokenize("t a\\\nb")
        #expect(line.tokens.map(\.text) == ["t", "ab"])
    }

    @Test func quotedPartsJoinTheirWord() {
        let line = CallLineTokenizer.tokenize(#"t name="Ada Lovelace"x"#)
        #expect(line.tokens.map(\.text) == ["t", "name=Ada Lovelacex"])
        #expect(line.tokens[1].column == 2)
        #expect(line.tokens[1].length == 20)
        #expect(line.tokens[1].range == 2..<22)
        #expect(line.tokens[1].quoted)
        #expect(!line.tokens[0].quoted)
    }

    @Test func columnsCountCharactersNotBytes() {
        let line = CallLineTokenizer.tokenize("t é=1 🇫🇷 x")
        #expect(line.tokens.map(\.column) == [0, 2, 6, 8])
    }

    @Test func invalidEscapeIsReportedWithItsColumn() {
        let line = CallLineTokenizer.tokenize(#"t "a\qb""#)
        #expect(line.diagnostics.map(\.kind) == [.invalidEscape])
        #expect(line.diagnostics.first?.column == 4)
        #expect(line.diagnostics.first?.length == 2)
        #expect(line.tokens.last?.text == #"a\qb"#)
    }

    @Test func badUnicodeEscapesAreReported() {
        for bad in [#""\u12""#, #""\uZZZZ""#, #""\uDE00""#, #""\uD83D""#, #""\uD83Dx""#, #""\uD83D\u0041""#] {
            let line = CallLineTokenizer.tokenize("t " + bad)
            #expect(line.diagnostics.map(\.kind) == [.invalidEscape], "\(bad)")
            #expect(line.diagnostics.first?.column == 3, "\(bad)")
        }
    }

    @Test func unterminatedQuoteIsLenient() {
        let single = CallLineTokenizer.tokenize("t name='Ada Lo")
        #expect(single.openQuote == "'")
        #expect(single.tokens.last?.text == "name=Ada Lo")
        #expect(single.diagnostics.map(\.kind) == [.unterminatedQuote])
        #expect(single.diagnostics.first?.column == 7)
        let double = CallLineTokenizer.tokenize(#"t "abc"#)
        #expect(double.openQuote == "\"")
        #expect(CallLineTokenizer.tokenize("t 'x'").openQuote == nil)
    }

    @Test func rawJSONAfterColonEquals() {
        #expect(texts(#"t tags:=["a b", "c"] n:="x y" o:={"k": [1, {"z": "}"}]}"#)
            == ["t", #"tags:=["a b", "c"]"#, #"n:="x y""#, #"o:={"k": [1, {"z": "}"}]}"#])
        // Only right after the first unquoted `:=` of a word.
        #expect(texts(#"t a=b:=[1, 2]"#) == ["t", "a=b:=[1,", "2]"])
        #expect(texts(#"t a':='[1 2]"#) == ["t", "a:=[1", "2]"])
    }

    @Test func wholeLineJSONObjectIsRaw() {
        let line = CallLineTokenizer.tokenize(#"tool {"a": "x y", "b": [1, 2]}"#)
        #expect(line.tokens.map(\.text) == ["tool", #"{"a": "x y", "b": [1, 2]}"#])
        #expect(line.tokens[1].rawJSONStart == 0)
        #expect(CallLineTokenizer.tokenize("{tool").tokens.first?.rawJSONStart == nil)
    }

    @Test func openJSONIsCounted() {
        let line = CallLineTokenizer.tokenize(#"tool {"a": [1, "#)
        #expect(line.openBrackets == 2)
        #expect(CallLineTokenizer.tokenize(#"t x:={"a": "b"#).openQuote == "\"")
    }

    @Test func trailingState() {
        #expect(CallLineTokenizer.tokenize("shell ").endsWithWhitespace)
        #expect(!CallLineTokenizer.tokenize("shell").endsWithWhitespace)
        #expect(CallLineTokenizer.tokenize("shell a\\").endsWithBackslash)
        #expect(!CallLineTokenizer.tokenize("shell a\\\\").endsWithBackslash)
    }

    @Test func continuationIsNeededWhileSomethingIsOpen() {
        #expect(CallLine.needsContinuation("shell 'ls"))
        #expect(CallLine.needsContinuation(#"shell "ls"#))
        #expect(CallLine.needsContinuation(#"tool {"a": 1,"#))
        #expect(CallLine.needsContinuation("tool x:=[1,"))
        #expect(CallLine.needsContinuation("shell ls \\"))
        #expect(!CallLine.needsContinuation("shell 'ls'"))
        #expect(!CallLine.needsContinuation(#"tool {"a": 1}"#))
        #expect(!CallLine.needsContinuation("tool x=[1,"))
        // The shell joins continued lines with "\n".
        #expect(!CallLine.needsContinuation("tool {\"a\":\n1}"))
        #expect(!CallLine.needsContinuation("shell 'line one\nline two'"))
    }
}
