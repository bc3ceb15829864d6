import Foundation
import MCP
import Testing

@testable import BayshCore

/// The `wuying_filesystem` tools on a real temporary workspace: results in the cloud's shapes, and clear errors.
@Suite struct LocalFileToolTests {
    @Test func writeThenReadWithRangesAndBinary() async throws {
        let fixture = try LocalFixture()
        let written = try await fixture.call("write_file", ["path": "notes.txt", "content": "hello world"])
        #expect(!written.isError && written.text.contains("11 bytes"))
        _ = try await fixture.call("write_file", ["path": "notes.txt", "content": "!\n", "mode": "append"])
        #expect(try await fixture.call("read_file", ["path": "notes.txt"]).text == "hello world!\n")
        #expect(try await fixture.call("read_file", ["path": "notes.txt", "offset": 6, "length": 5]).text == "world")
        let binary = try await fixture.call("read_file", ["path": "notes.txt", "length": 5, "format": "binary"])
        #expect(binary.text == Data("hello".utf8).base64EncodedString())
        let past = try await fixture.call("read_file", ["path": "notes.txt", "offset": 100])
        #expect(past.isError && past.text.contains("past the end"))
    }

    @Test func readErrorsAreResultsNotThrows() async throws {
        let fixture = try LocalFixture()
        try fixture.put("dir/x.txt", "x")
        let missing = try await fixture.call("read_file", ["path": "nope.txt"])
        #expect(missing.isError && missing.text == "'nope.txt' does not exist in the workspace")
        let folder = try await fixture.call("read_file", ["path": "dir"])
        #expect(folder.isError && folder.text.contains("is a folder"))
        _ = FileManager.default.createFile(atPath: fixture.workspace + "/bin.dat", contents: Data([0xff, 0xfe, 0x00]))
        let notText = try await fixture.call("read_file", ["path": "bin.dat"])
        #expect(notText.isError && notText.text.contains("binary"))
        let format = try await fixture.call("read_file", ["path": "dir/x.txt", "format": "hex"])
        #expect(format.isError && format.text.contains("'text', 'binary'"))
    }

    /// Text is read straight into the string's storage; a file that is not UTF-8 is still refused, including
    /// invalid bytes whose repair would keep the length (three bytes of a cut four-byte sequence become the three
    /// bytes of U+FFFD), while a file that really holds U+FFFD reads as it is.
    @Test(arguments: [
        ([0x61, 0xF0, 0x9F, 0x98, 0x62], false),
        ([0x61, 0xEF, 0xBF, 0xBD, 0x62], true),
        ([0xED, 0xA0, 0x80], false),
        ([0xC0, 0xAF], false),
        ([0xF0, 0x9F, 0x98, 0x80, 0x0A], true),
        ([], true),
    ] as [([UInt8], Bool)])
    func textIsReadOnlyWhenItIsUTF8(bytes: [UInt8], valid: Bool) async throws {
        let fixture = try LocalFixture()
        let long = [UInt8](repeating: 0x78, count: 100_000) + bytes + [UInt8](repeating: 0x79, count: 100_000)
        for (name, content) in [("short.txt", bytes), ("long.txt", long)] {
            _ = FileManager.default.createFile(atPath: fixture.workspace + "/" + name, contents: Data(content))
            let result = try await fixture.call("read_file", ["path": .string(name)])
            if valid {
                #expect(!result.isError && Array(result.text.utf8) == content, "\(name) \(bytes)")
            } else {
                #expect(result.isError && result.text.contains("not UTF-8"), "\(name) \(bytes)")
            }
        }
        let many = try await fixture.call("read_multiple_files", ["paths": ["short.txt"]])
        #expect(many.text.contains("Error") != valid)
    }

    @Test func argumentTypesAreChecked() async throws {
        let fixture = try LocalFixture()
        let wrongType = try await fixture.call("read_file", ["path": 42])
        #expect(wrongType.isError && wrongType.text == "read_file: 'path' must be a string, not a number")
        let missing = try await fixture.call("write_file", ["path": "x"])
        #expect(missing.isError && missing.text == "write_file needs the argument 'content'")
        let unknown = try await fixture.call("list_directory", ["path": ".", "recursive": true])
        #expect(unknown.isError && unknown.text.contains("no argument 'recursive'"))
        let offset = try await fixture.call("read_file", ["path": "x", "offset": "3"])
        #expect(offset.isError && offset.text.contains("'offset' must be an integer, not a string"))
        let paths = try await fixture.call("read_multiple_files", ["paths": ["a", 1]])
        #expect(paths.isError && paths.text.contains("'paths[1]' must be a string"))
        let edits = try await fixture.call("edit_file", ["path": "x", "edits": "nope"])
        #expect(edits.isError && edits.text.contains("must be an array of objects"))
    }

    @Test func writeNeedsItsFolder() async throws {
        let fixture = try LocalFixture()
        let result = try await fixture.call("write_file", ["path": "a/b/c.txt", "content": "x"])
        #expect(result.isError)
        #expect(result.text.contains("'a/b'") && result.text.contains("create_directory"))
        try fixture.put("dir/x", "")
        let onFolder = try await fixture.call("write_file", ["path": "dir", "content": "x"])
        #expect(onFolder.isError && onFolder.text.contains("is a folder"))
    }

    @Test func editAppliesInOrderAndShowsADiff() async throws {
        let fixture = try LocalFixture()
        try fixture.put("code.txt", "one\ntwo\nthree\nfour\n")
        let preview = try await fixture.call(
            "edit_file",
            ["path": "code.txt", "edits": [["oldText": "two", "newText": "2"], ["oldText": "2\nthree", "newText": "2\n3"]],
             "dryRun": true])
        #expect(!preview.isError)
        #expect(preview.text == """
            --- code.txt
            +++ code.txt
            @@ -1,4 +1,4 @@
             one
            -two
            -three
            +2
            +3
             four

            """)
        #expect(fixture.contents("code.txt") == "one\ntwo\nthree\nfour\n")
        let applied = try await fixture.call("edit_file", ["path": "code.txt", "edits": [["oldText": "four", "newText": "4"]]])
        #expect(!applied.isError && applied.text.contains("+4"))
        #expect(fixture.contents("code.txt") == "one\ntwo\nthree\n4\n")
    }

    @Test func editErrorsNameTheText() async throws {
        let fixture = try LocalFixture()
        try fixture.put("f.txt", "a a\n")
        let missing = try await fixture.call("edit_file", ["path": "f.txt", "edits": [["oldText": "zzz", "newText": "y"]]])
        #expect(missing.isError && missing.text.contains("'zzz'") && missing.text.contains("not found"))
        let twice = try await fixture.call("edit_file", ["path": "f.txt", "edits": [["oldText": "a", "newText": "b"]]])
        #expect(twice.isError && twice.text.contains("occurs 2 times"))
        let partial = try await fixture.call(
            "edit_file", ["path": "f.txt", "edits": [["oldText": "a a", "newText": "b"], ["oldText": "q", "newText": "r"]]])
        #expect(partial.isError)
        #expect(fixture.contents("f.txt") == "a a\n", "a failed edit must leave the file as it was")
    }

    @Test func editKeepsPermissions() async throws {
        let fixture = try LocalFixture()
        try fixture.put("run.sh", "echo a\n")
        chmod(fixture.workspace + "/run.sh", 0o751)
        _ = try await fixture.call("edit_file", ["path": "run.sh", "edits": [["oldText": "a", "newText": "b"]]])
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.workspace + "/run.sh")
        #expect((attributes[.posixPermissions] as? Int) == 0o751)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace) == ["run.sh"])
    }

    @Test func listDirectorySortsAndMarksFolders() async throws {
        let fixture = try LocalFixture()
        try fixture.put("b.txt", "")
        try fixture.put("a/x", "")
        try fixture.put("C.md", "")
        try fixture.symlink("link-to-a", to: "a")
        let listing = try await fixture.call("list_directory", ["path": "."])
        #expect(listing.text == "[FILE] C.md\n[DIR] a\n[FILE] b.txt\n[DIR] link-to-a")
        let empty = try await fixture.call("list_directory", ["path": "a/x"])
        #expect(empty.isError && empty.text.contains("not a folder"))
    }

    @Test func createDirectoryMakesParentsAndIsIdempotent() async throws {
        let fixture = try LocalFixture()
        #expect(!(try await fixture.call("create_directory", ["path": "x/y/z"])).isError)
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: fixture.workspace + "/x/y/z", isDirectory: &isFolder) && isFolder.boolValue)
        #expect(!(try await fixture.call("create_directory", ["path": "x/y/z"])).isError)
        try fixture.put("file", "")
        #expect(try await fixture.call("create_directory", ["path": "file"]).isError)
    }

    @Test func moveRefusesToReplace() async throws {
        let fixture = try LocalFixture()
        try fixture.put("a.txt", "A")
        try fixture.put("b.txt", "B")
        let refused = try await fixture.call("move_file", ["source": "a.txt", "destination": "b.txt"])
        #expect(refused.isError && refused.text.contains("already exists"))
        #expect(fixture.contents("b.txt") == "B")
        let moved = try await fixture.call("move_file", ["source": "a.txt", "destination": "c.txt"])
        #expect(!moved.isError)
        #expect(fixture.contents("c.txt") == "A" && fixture.contents("a.txt") == nil)
        let missing = try await fixture.call("move_file", ["source": "zz", "destination": "yy"])
        #expect(missing.isError && missing.text.contains("does not exist"))
        try fixture.put("d/inner", "")
        let intoItself = try await fixture.call("move_file", ["source": "d", "destination": "d/sub"])
        #expect(intoItself.isError && intoItself.text.contains("into itself"))
    }

    @Test func deleteFilesAndEmptyFoldersOnly() async throws {
        let fixture = try LocalFixture()
        try fixture.put("d/f.txt", "x")
        let notEmpty = try await fixture.call("delete_file", ["path": "d"])
        #expect(notEmpty.isError && notEmpty.text.contains("not empty"))
        #expect(!(try await fixture.call("delete_file", ["path": "d/f.txt"])).isError)
        #expect(!(try await fixture.call("delete_file", ["path": "d"])).isError)
        #expect(!fixture.exists(fixture.workspace + "/d"))
        #expect(try await fixture.call("delete_file", ["path": "d"]).isError)
    }

    @Test func searchMatchesNamesAndHonoursExcludes() async throws {
        let fixture = try LocalFixture()
        try fixture.put("src/main.swift", "")
        try fixture.put("src/util/Helpers.SWIFT", "")
        try fixture.put("build/gen.swift", "")
        try fixture.put("readme.md", "")
        try fixture.put("utility.swift", "")
        let all = try await fixture.call("search_files", ["path": ".", "pattern": "*.swift"])
        #expect(all.text == "build/gen.swift\nsrc/main.swift\nsrc/util/Helpers.SWIFT\nutility.swift")
        let excluded = try await fixture.call(
            "search_files", ["path": ".", "pattern": "*.swift", "excludePatterns": "build, util"])
        #expect(excluded.text == "src/main.swift\nutility.swift")
        let byPath = try await fixture.call(
            "search_files", ["path": ".", "pattern": "*.swift", "excludePatterns": "src/util,gen.*"])
        #expect(byPath.text == "src/main.swift\nutility.swift")
        let word = try await fixture.call("search_files", ["path": "src", "pattern": "main"])
        #expect(word.text == "src/main.swift")
        let none = try await fixture.call("search_files", ["path": ".", "pattern": "*.rs"])
        #expect(!none.isError && none.text == "No matches found")
    }

    @Test func fileInfoLines() async throws {
        let fixture = try LocalFixture()
        try fixture.put("sub/data.bin", "12345")
        chmod(fixture.workspace + "/sub/data.bin", 0o640)
        let info = try await fixture.call("get_file_info", ["path": "sub/data.bin"])
        let lines = info.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("name: data.bin"))
        #expect(lines.contains("path: \(fixture.workspace)/sub/data.bin"))
        #expect(lines.contains("size: 5"))
        #expect(lines.contains("isDirectory: false"))
        #expect(lines.contains("isFile: true"))
        #expect(lines.contains("permissions: 640"))
        let modified = try #require(lines.first { $0.hasPrefix("modified: ") }).dropFirst("modified: ".count)
        #expect(try Date(String(modified), strategy: .iso8601).timeIntervalSinceNow < 60)
        let folder = try await fixture.call("get_file_info", ["path": "sub"])
        #expect(folder.text.contains("isDirectory: true"))
    }

    @Test func dataURLContentIsWrittenAsText() async throws {
        let fixture = try LocalFixture()
        let content = try JSONDecoder().decode(Value.self, from: Data(#""data:text/plain;base64,aGk=""#.utf8))
        _ = try await fixture.call("write_file", ["path": "u.txt", "content": content])
        #expect(fixture.contents("u.txt") == "data:text/plain;base64,aGk=")
    }
}
