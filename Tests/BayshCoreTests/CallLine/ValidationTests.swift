import MCP
import Testing
@testable import BayshCore

@Suite struct ValidationTests {
    static let tool = objectSchema([
        "path": ["type": "string", "minLength": 2, "maxLength": 8, "pattern": "^/"],
        "mode": ["enum": ["read", "write"]],
        "count": ["type": "integer", "minimum": 1, "maximum": 10],
        "ratio": ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1],
        "step": ["type": "number", "multipleOf": 0.5],
        "tags": ["type": "array", "items": ["type": "string", "maxLength": 3], "minItems": 1, "maxItems": 2],
        "filter": objectSchema(["limit": ["type": "integer", "minimum": 0]], required: ["limit"], closed: true),
    ], required: ["path"], closed: true)

    private func single(_ line: String, _ schema: Value = tool, sourceLocation: SourceLocation = #_sourceLocation)
        -> CallLineDiagnostic?
    {
        let found = diagnostics(line, schema, sourceLocation: sourceLocation)
        #expect(found.count == 1, "\(found.map(\.message))", sourceLocation: sourceLocation)
        return found.first
    }

    @Test func validLinePasses() {
        #expect(arguments("t /etc mode=read count=10 ratio=0.5 step=1.5 tags=ab tags=c filter.limit=0",
            Self.tool) == ["path": "/etc", "mode": "read", "count": 10, "ratio": 0.5, "step": 1.5,
                           "tags": ["ab", "c"], "filter": ["limit": 0]])
    }

    @Test func missingRequired() {
        let found = single("t mode=read")
        #expect(found?.kind == .missingRequired)
        #expect(found?.parameter == "path")
        #expect(found?.column == 11)
        #expect(found?.message.contains("path=") == true)
        let nested = single("t /a filter:={}")
        #expect(nested?.kind == .missingRequired)
        #expect(nested?.parameter == "filter.limit")
        #expect(nested?.column == 5)
    }

    @Test func unknownKeysWithDidYouMean() {
        let found = single("t /a moed=read")
        #expect(found?.kind == .unknownKey)
        #expect(found?.suggestion == "mode")
        #expect(found?.message.contains("did you mean 'mode'?") == true)
        #expect(found?.column == 5)
        #expect(found?.length == 9)
        let nested = single("t /a filter.limit=1 filter.limt=2")
        #expect(nested?.parameter == "filter.limt")
        #expect(nested?.suggestion == "limit")
        #expect(nested?.column == 20)
        let open = resolved("t pth=/a", objectSchema(["path": ["type": "string"]]))
        #expect(open?.warnings.map(\.kind) == [.unknownKey])
        #expect(open?.warnings.first?.suggestion == "path")
    }

    @Test func enumMembership() {
        let found = single("t /a mode=wrte")
        #expect(found?.kind == .enumMismatch)
        #expect(found?.suggestion == "write")
        #expect(found?.parameter == "mode")
        #expect(found?.message.contains(#""read", "write""#) == true)
        #expect(single(#"t /a mode:="nope""#)?.kind == .enumMismatch)
    }

    @Test func integerVersusNumber() {
        #expect(single("t /a count=2.5")?.kind == .notAnInteger)
        #expect(single("t /a count:=2.5")?.kind == .notAnInteger)
        #expect(single("t /a count=many")?.kind == .typeMismatch)
        #expect(single("t /a count=99999999999999999999")?.kind == .outOfRange)
        #expect(arguments("t /a count:=2.0", Self.tool) == ["path": "/a", "count": .double(2.0)])
    }

    @Test func numericBounds() {
        for line in ["t /a count=0", "t /a count=11", "t /a ratio=0", "t /a ratio=1", "t /a step=0.7"] {
            let found = single(line)
            #expect(found?.kind == .outOfRange, "\(line)")
        }
        #expect(single("t /a count=0")?.message.contains("at least 1") == true)
        let draft4 = objectSchema(["n": ["type": "number", "minimum": 0, "exclusiveMinimum": true,
                                         "maximum": 5, "exclusiveMaximum": true]])
        #expect(diagnostics("t n=0", draft4).map(\.kind) == [.outOfRange])
        #expect(diagnostics("t n=5", draft4).map(\.kind) == [.outOfRange])
        #expect(arguments("t n=4.9", draft4) == ["n": 4.9])
    }

    @Test func lengthsCountCharacters() {
        #expect(single("t /")?.kind == .tooShort)
        #expect(single("t /abcdefgh")?.kind == .tooLong)
        #expect(arguments("t /éé🇫🇷👍🏽", Self.tool) == ["path": "/éé🇫🇷👍🏽"])
    }

    @Test func patterns() {
        let found = single("t abc")
        #expect(found?.kind == .patternMismatch)
        #expect(found?.message.contains("^/") == true)
        let broken = objectSchema(["p": ["type": "string", "pattern": "([unclosed"]])
        #expect(arguments("t p=anything", broken) == ["p": "anything"])
        let search = objectSchema(["p": ["type": "string", "pattern": "[0-9]"]])
        #expect(arguments("t p=ab1cd", search) == ["p": "ab1cd"])
    }

    @Test func arraysAndItemsReportTheirPath() {
        #expect(single("t /a tags:=[]")?.kind == .tooShort)
        #expect(single("t /a tags=a tags=b tags=c")?.kind == .tooLong)
        let item = single("t /a tags=ab tags=long")
        #expect(item?.kind == .tooLong)
        #expect(item?.parameter == "tags[1]")
        #expect(item?.column == 5)
        let nested = single("t /a filter.limit=-1")
        #expect(nested?.parameter == "filter.limit")
        #expect(nested?.kind == .outOfRange)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = diagnostics("t mode=x count=0 count=1 bogus=1 tags:=[1", Self.tool)
        #expect(Set(found.map(\.kind)) == [.enumMismatch, .duplicateKey, .invalidJSON, .unknownKey, .missingRequired])
        #expect(found.map(\.column) == found.map(\.column).sorted())
    }

    @Test func typeMismatchNamesTheExpectedType() {
        let found = single("t /a filter:=5")
        #expect(found?.kind == .typeMismatch)
        #expect(found?.message.contains("expected object") == true)
    }

    @Test func invalidJSONPointsIntoTheValue() {
        let found = single(#"t /a filter:={"limit" 1}"#)
        #expect(found?.kind == .invalidJSON)
        #expect(found?.column == 22)
        let quoted = single(#"t /a filter:='{"limit": x}'"#)
        #expect(quoted?.column == 24)
        let typed = single(#"t /a tags='["a",]'"#)
        #expect(typed?.kind == .invalidJSON)
        #expect(typed?.column == 16)
    }

    @Test func anyOfReportsTheBranchThatFits() {
        let schema = objectSchema(["v": ["anyOf": [["type": "integer", "minimum": 5], ["type": "boolean"]]]])
        #expect(diagnostics("t v:=3", schema).map(\.kind) == [.outOfRange])
        #expect(diagnostics(#"t v:="s""#, schema).map(\.kind) == [.typeMismatch])
        #expect(arguments("t v=7 ", schema) == ["v": 7])
    }

    @Test func falseSchemaAndAllOf() {
        let schema = objectSchema([
            "never": false,
            "both": ["allOf": [["type": "integer"], ["minimum": 3]]],
        ])
        #expect(diagnostics("t never=1", schema).map(\.kind) == [.typeMismatch])
        #expect(diagnostics("t both:=2", schema).map(\.kind) == [.outOfRange])
    }
}

@Suite struct EveryErrorKindTests {
    /// One line per kind, so a new kind without a test fails here.
    @Test func eachKindHasALineThatProducesIt() {
        let schema = objectSchema([
            "n": ["type": "integer", "minimum": 1], "s": ["type": "string", "minLength": 2, "maxLength": 3,
                                                           "pattern": "^a"],
            "e": ["enum": ["x", "y"]], "o": ["type": "object"], "a": ["type": "array", "items": ["type": "string"]],
        ], required: ["n"], closed: true)
        let lines: [(String, CallLineDiagnostic.Kind)] = [
            ("t n=1 s='ab", .unterminatedQuote), (#"t n=1 s="\x""#, .invalidEscape), ("t n=1 o:={", .invalidJSON),
            ("t s=ab", .missingRequired), ("t n=1 q=1", .unknownKey), ("t n=1 e=z", .enumMismatch),
            ("t n=one", .typeMismatch), ("t n=1.5", .notAnInteger), ("t n=0", .outOfRange), ("t n=1 s=a", .tooShort),
            ("t n=1 s=abcd", .tooLong), ("t n=1 s=bb", .patternMismatch), ("t n=1 n=2", .duplicateKey),
            ("t 1 2", .tooManyPositionals), ("t n=1 s@=missing", .unreadableFile), ("", .emptyLine),
            ("t " + Array(repeating: "k", count: 70).joined(separator: ".") + "=1", .nestingTooDeep),
        ]
        var seen: Set<CallLineDiagnostic.Kind> = [
            CallLineDiagnostic.unknownTool("shel", tools: ["shell"]).kind,
        ]
        // The shell's own steps around a call: `$x` substitution and `| PATH`.
        do {
            _ = try CaptureStore().substitute(try CallLine.parse("t n=$nope"))
        } catch {
            seen.formUnion(error.diagnostics.map(\.kind))
        }
        do throws(ResultPathError) {
            _ = try ResultPath.parse("size")
        } catch {
            seen.insert(error.diagnostic(pathColumn: 0).kind)
        }
        for (line, kind) in lines {
            let found = diagnostics(line, schema)
            #expect(found.map(\.kind) == [kind], "\(line): \(found.map(\.message))")
            seen.formUnion(found.map(\.kind))
        }
        #expect(seen == Set(CallLineDiagnostic.Kind.allCases))
    }

    @Test func arrayHintNamesBothWays() {
        let found = diagnostics("t a=x", objectSchema(["a": ["type": "array", "items": ["type": "string"]]]))
        #expect(found.first?.message.contains("key[]=a") == true)
    }
}

@Suite struct DeepValueTests {
    /// The deepest JSON accepted, checked against a recursive schema, must not exhaust a test thread's stack.
    @Test func deepestJSONValidatesAgainstARecursiveSchema() {
        let schema: Value = [
            "type": "object",
            "properties": ["tree": ["$ref": "#/$defs/Node"]],
            "$defs": ["Node": ["type": "array", "items": ["$ref": "#/$defs/Node"], "maxItems": 1]],
        ]
        let depth = JSONText.maximumDepth
        let line = "t tree:=" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let tree = arguments(line, schema)?["tree"]
        #expect(tree != nil)
        let tooDeep = "t tree:=" + String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(diagnostics(tooDeep, schema).map(\.kind) == [.invalidJSON])
        let wide = "t tree:=" + String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        #expect(diagnostics(wide, schema).map(\.kind) == [.typeMismatch])
    }
}
