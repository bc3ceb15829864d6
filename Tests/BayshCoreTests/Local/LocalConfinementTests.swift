import Foundation
import MCP
import Testing

@testable import BayshCore

/// One attempt to reach outside the workspace.
struct EscapeAttempt: Sendable, CustomTestStringConvertible {
    var name: String
    var tool: String
    var arguments: [String: Value]
    var testDescription: String { name }
}

/// Every way out of the workspace we could think of must be refused with an error result, and nothing outside may
/// change.
@Suite struct LocalConfinementTests {
    static let attempts: [EscapeAttempt] = [
        .init(name: "../x", tool: "read_file", arguments: ["path": "../x"]),
        .init(name: "a/../../x", tool: "read_file", arguments: ["path": "a/../../x"]),
        .init(name: "absolute /etc/passwd", tool: "read_file", arguments: ["path": "/etc/passwd"]),
        .init(name: "symlink to /etc", tool: "read_file", arguments: ["path": "etc/passwd"]),
        .init(name: "symlink chain out", tool: "read_file", arguments: ["path": "l1/secret.txt"]),
        .init(name: "relative symlink ../..", tool: "list_directory", arguments: ["path": "up"]),
        .init(name: "symlinked folder in the middle", tool: "read_file", arguments: ["path": "mid/secret.txt"]),
        .init(name: "final symlink out", tool: "read_file", arguments: ["path": "leak"]),
        .init(name: "dangling symlink out as write target", tool: "write_file",
            arguments: ["path": "dangle", "content": "x"]),
        .init(name: "write through symlinked folder", tool: "write_file",
            arguments: ["path": "mid/new.txt", "content": "x"]),
        .init(name: "append through symlink", tool: "write_file",
            arguments: ["path": "leak", "content": "x", "mode": "append"]),
        .init(name: "move destination outside", tool: "move_file",
            arguments: ["source": "in.txt", "destination": "../moved.txt"]),
        .init(name: "move destination through symlink", tool: "move_file",
            arguments: ["source": "in.txt", "destination": "mid/moved.txt"]),
        .init(name: "move source outside", tool: "move_file",
            arguments: ["source": "mid/secret.txt", "destination": "stolen.txt"]),
        .init(name: "search path outside", tool: "search_files", arguments: ["path": "..", "pattern": "*"]),
        .init(name: "search through symlink", tool: "search_files", arguments: ["path": "mid", "pattern": "*"]),
        .init(name: "shell cwd ..", tool: "shell", arguments: ["command": "pwd", "cwd": ".."]),
        .init(name: "shell cwd absolute", tool: "shell", arguments: ["command": "pwd", "cwd": "/tmp"]),
        .init(name: "shell cwd symlinked folder", tool: "shell", arguments: ["command": "pwd", "cwd": "mid"]),
        .init(name: "NUL byte in path", tool: "read_file", arguments: ["path": "in.txt\u{0}/../../x"]),
        .init(name: "edit_file outside", tool: "edit_file",
            arguments: ["path": "mid/secret.txt", "edits": [["oldText": "top", "newText": "no"]]]),
        .init(name: "create_directory through symlink", tool: "create_directory", arguments: ["path": "mid/newdir"]),
        .init(name: "delete through symlink", tool: "delete_file", arguments: ["path": "mid/secret.txt"]),
        .init(name: "get_file_info absolute outside", tool: "get_file_info", arguments: ["path": "/etc"]),
        .init(name: "session record beside the workspace", tool: "read_file", arguments: ["path": "RECORD"]),
        .init(name: "absolute path that only shares a prefix", tool: "read_file", arguments: ["path": "PREFIX-x"]),
    ]

    /// Plants the links the attempts aim through.
    static func plant(_ fixture: LocalFixture) throws {
        try fixture.put("in.txt", "inside\n")
        try fixture.put("a/keep.txt", "a\n")
        try fixture.symlink("etc", to: "/etc")
        try fixture.symlink("l1", to: "l2")
        try fixture.symlink("l2", to: fixture.outside.path)
        try fixture.symlink("up", to: "../..")
        try fixture.symlink("mid", to: fixture.outside.path)
        try fixture.symlink("leak", to: fixture.outside.path + "/secret.txt")
        try fixture.symlink("dangle", to: fixture.outside.path + "/new.txt")
    }

    @Test(arguments: attempts)
    func refused(_ attempt: EscapeAttempt) async throws {
        let fixture = try LocalFixture()
        try Self.plant(fixture)
        var arguments = attempt.arguments
        // A sibling folder whose name starts with the workspace's name must not count as inside it.
        if arguments["path"] == "PREFIX-x" {
            try FileManager.default.createDirectory(atPath: fixture.workspace + "-x", withIntermediateDirectories: true)
            arguments["path"] = .string(fixture.workspace + "-x")
        }
        if arguments["path"] == "RECORD" {
            arguments["path"] = .string(fixture.dataHome.path + "/baysh/sessions/\(fixture.session.sessionId).json")
        }
        let result = try await fixture.call(attempt.tool, arguments)
        #expect(result.isError, "\(attempt.name) was allowed: \(result.text)")
        #expect(result.text.contains("refused"), "\(attempt.name): \(result.text)")
        #expect(!result.text.contains("top secret"))
        let outsideNames = try FileManager.default.contentsOfDirectory(atPath: fixture.outside.path)
        #expect(outsideNames == ["secret.txt"])
        #expect(try String(contentsOf: fixture.outside.appendingPathComponent("secret.txt"), encoding: .utf8) == "top secret\n")
        #expect(fixture.contents("in.txt") == "inside\n")
        #expect(!fixture.exists(fixture.root.appendingPathComponent("moved.txt").path))
    }

    @Test func readMultipleFilesReportsTheOutsideOneInline() async throws {
        let fixture = try LocalFixture()
        try Self.plant(fixture)
        let result = try await fixture.call("read_multiple_files", ["paths": ["in.txt", "../outside/secret.txt", "leak"]])
        #expect(!result.isError)
        let blocks = result.text.components(separatedBy: "\n---\n")
        #expect(blocks.count == 3)
        #expect(blocks[0] == "in.txt: inside\n")
        #expect(blocks[1].hasPrefix("../outside/secret.txt: Error - ") && blocks[1].contains("refused"))
        #expect(blocks[2].hasPrefix("leak: Error - ") && blocks[2].contains("refused"))
        #expect(!result.text.contains("top secret"))
    }

    @Test func searchDoesNotWalkIntoSymlinkedFolders() async throws {
        let fixture = try LocalFixture()
        try Self.plant(fixture)
        let result = try await fixture.call("search_files", ["path": ".", "pattern": "secret*"])
        #expect(result.text == "No matches found")
    }

    @Test func tooLongPathsAndNamesAreRefused() async throws {
        let fixture = try LocalFixture()
        let long = try await fixture.call("read_file", ["path": .string(String(repeating: "a/", count: 3000) + "x")])
        #expect(long.isError && long.text.contains("4095"))
        let name = try await fixture.call("write_file", ["path": .string(String(repeating: "n", count: 300)), "content": "x"])
        #expect(name.isError && name.text.contains("255"))
    }

    @Test func tildeIsAPlainName() async throws {
        let fixture = try LocalFixture()
        let missing = try await fixture.call("read_file", ["path": "~/.profile"])
        #expect(missing.isError && missing.text.contains("does not exist in the workspace"))
        _ = try await fixture.call("create_directory", ["path": "~"])
        let written = try await fixture.call("write_file", ["path": "~/note.txt", "content": "here"])
        #expect(!written.isError)
        #expect(fixture.contents("~/note.txt") == "here")
    }

    @Test func linksThatStayInsideWork() async throws {
        let fixture = try LocalFixture()
        try fixture.put("sub/real.txt", "real\n")
        try fixture.symlink("inner", to: "sub")
        try fixture.symlink("abs", to: fixture.workspace + "/sub/real.txt")
        try fixture.symlink("sub/back", to: "../sub/real.txt")
        #expect(try await fixture.call("read_file", ["path": "inner/real.txt"]).text == "real\n")
        #expect(try await fixture.call("read_file", ["path": "abs"]).text == "real\n")
        #expect(try await fixture.call("read_file", ["path": "sub/back"]).text == "real\n")
        #expect(try await fixture.call("read_file", ["path": .string(fixture.workspace + "/sub/real.txt")]).text == "real\n")
        let written = try await fixture.call("write_file", ["path": "inner/new.txt", "content": "n"])
        #expect(!written.isError)
        #expect(fixture.contents("sub/new.txt") == "n")
    }

    @Test func deletingALinkToOutsideRemovesOnlyTheLink() async throws {
        let fixture = try LocalFixture()
        try Self.plant(fixture)
        let deleted = try await fixture.call("delete_file", ["path": "mid"])
        #expect(!deleted.isError, "\(deleted.text)")
        #expect(!fixture.exists(fixture.workspace + "/mid"))
        #expect(fixture.exists(fixture.outside.path + "/secret.txt"))
        let leak = try await fixture.call("delete_file", ["path": "leak"])
        #expect(!leak.isError)
        #expect(fixture.exists(fixture.outside.path + "/secret.txt"))
    }

    @Test func workspaceRootCannotBeDeletedOrMoved() async throws {
        let fixture = try LocalFixture()
        #expect(try await fixture.call("delete_file", ["path": "."]).isError)
        #expect(try await fixture.call("move_file", ["source": ".", "destination": "x"]).isError)
        #expect(FileManager.default.fileExists(atPath: fixture.workspace))
    }
}
