import Foundation
import MCP
import Testing
@testable import BayshCore

@Suite struct ArgumentFormTests {
    @Test func assignJsonAndFile() {
        let schema = objectSchema(["a": ["type": "integer"], "b": [:], "c": ["type": "string"]])
        #expect(arguments(#"t a=5 b:={"x":[1.0,"data:,hi"]} c@=notes.txt"#, schema, files: ["notes.txt": "hi\n"])
            == ["a": 5, "b": ["x": [.double(1.0), "data:,hi"]], "c": "hi\n"])
    }

    @Test func jsonScalarsAfterColonEquals() {
        #expect(arguments(#"t a:=1.0 b:="5" c:=null d:='"quoted"' e:=true"#)
            == ["a": .double(1.0), "b": "5", "c": nil, "d": "quoted", "e": true])
    }

    @Test func fileFromDiskRelativeToTheCurrentDirectory() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("body.txt")
        try "line one\nline two".write(to: file, atomically: true, encoding: .utf8)
        let call = try CallLine.parse("t body@=\(file.path)")
        #expect(try ArgumentResolver(schema: nil).resolve(call).arguments == ["body": "line one\nline two"])
        do {
            _ = try ArgumentResolver(schema: nil).resolve(try CallLine.parse("t body@=\(folder.path)/missing"))
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.kind) == [.unreadableFile])
            #expect(error.diagnostics.first?.message.contains("no such file") == true)
            #expect(error.diagnostics.first?.parameter == "body")
        }
        #expect(throws: FileReadError("is a directory, not a file")) { try FileReadError.readText(folder.path) }
    }

    @Test func dottedKeysBuildNestedObjects() {
        let schema = objectSchema([
            "filter": objectSchema(["limit": ["type": "integer"], "name": ["type": "string"]]),
        ])
        #expect(arguments("t filter.limit=5 filter.name=7 other.deep.x=1", schema)
            == ["filter": ["limit": 5, "name": "7"], "other": ["deep": ["x": 1]]])
        #expect(arguments(#"t filter:={"limit":5} filter.name=x"#, schema) == ["filter": ["limit": 5, "name": "x"]])
    }

    @Test func repeatedKeysBuildArraysOnlyForArrays() {
        let schema = objectSchema([
            "tags": ["type": "array", "items": ["type": "string"]],
            "ids": ["type": "array", "items": ["type": "integer"]],
            "name": ["type": "string"],
        ])
        #expect(arguments("t tags=a tags=b ids=1 ids=2", schema) == ["tags": ["a", "b"], "ids": [1, 2]])
        #expect(arguments("t tags[]=only", schema) == ["tags": ["only"]])
        #expect(arguments("t tags:=[\"a\"] tags[]=b", schema) == ["tags": ["a", "b"]])
        #expect(arguments(#"t tags:=["a", "b c"]"#, schema) == ["tags": ["a", "b c"]])
        #expect(arguments("t x[]=1 x[]=a", nil) == ["x": [1, "a"]])
        let twice = diagnostics("t name=a name=b", schema)
        #expect(twice.map(\.kind) == [.duplicateKey])
        #expect(twice.first?.column == 9)
        #expect(twice.first?.parameter == "name")
        #expect(diagnostics("t x=1 x=2").map(\.kind) == [.duplicateKey])
        // A plain word is not an array; it needs [] or repetition.
        #expect(diagnostics("t tags=a", schema).map(\.kind) == [.invalidJSON])
    }

    @Test func wholeLineObject() {
        let schema = objectSchema(["a": ["type": "integer"], "b": ["type": "string"]], required: ["a"])
        #expect(arguments(#"t {"a": 1, "b": "x y"}"#, schema) == ["a": 1, "b": "x y"])
        #expect(arguments("t {\n\"a\": 1\n}", schema) == ["a": 1])
        let wrong = diagnostics(#"t {"a": "1"}"#, schema)
        #expect(wrong.map(\.kind) == [.typeMismatch])
        #expect(wrong.first?.parameter == "a")
        let broken = diagnostics(#"t {"a": 1,}"#, schema)
        #expect(broken.map(\.kind) == [.invalidJSON])
        #expect(broken.first?.column == 10)
        #expect(diagnostics(#"t {"a": 1} x"#, schema).map(\.kind) == [.invalidJSON])
    }

    @Test func positionalsFillRequiredThenTheOnlyRemainingProperty() {
        let readFile = objectSchema(["path": ["type": "string"], "limit": ["type": "integer"]], required: ["path"])
        #expect(arguments("read_file /etc/hosts", readFile) == ["path": "/etc/hosts"])
        #expect(arguments("read_file 10 path=/x", readFile) == ["path": "/x", "limit": 10])
        #expect(arguments("read_file /etc/hosts 10", readFile) == ["path": "/etc/hosts", "limit": 10])
        let shell = objectSchema(["command": ["type": "string"]])
        #expect(arguments(#"shell "ls -la""#, shell) == ["command": "ls -la"])
        let two = objectSchema(["a": ["type": "string"], "b": ["type": "integer"]], required: ["b", "a"])
        #expect(arguments("t 5 x", two) == ["b": 5, "a": "x"])
        let extra = diagnostics("shell ls -la", shell)
        #expect(extra.map(\.kind) == [.tooManyPositionals])
        #expect(extra.first?.column == 9)
        #expect(diagnostics("t 5").map(\.kind) == [.tooManyPositionals])
    }
}
