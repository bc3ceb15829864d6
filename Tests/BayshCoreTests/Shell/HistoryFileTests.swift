import BayshCore
import Foundation
import Testing

@Suite("HistoryFile")
struct HistoryFileTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-history-\(UUID().uuidString)")

    final class Warnings: @unchecked Sendable {
        var messages: [String] = []
    }

    @Test func recordsPersistAcrossRestartsWithoutDuplicatesOrSpaceLines() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = StatePaths(root: folder).historyFile(target: "mcp-my server/../x")
        #expect(url.lastPathComponent == "history-mcp-my_server_.._x")
        let first = HistoryFile(url: url, limit: 100) { _ in Issue.record("no warning expected") }
        #expect(first.load().isEmpty)
        #expect(first.record("shell ls"))
        #expect(!first.record("shell ls"))
        #expect(!first.record(" shell secret"))
        #expect(!first.record("   "))
        #expect(first.record("shell \"a\nb\" back\\slash"))
        #expect(first.record("shell ls"))
        let second = HistoryFile(url: url, limit: 100) { _ in }
        #expect(second.load() == ["shell ls", "shell \"a\nb\" back\\slash", "shell ls"])
        #expect(try String(contentsOf: url, encoding: .utf8)
            == "shell ls\nshell \"a\\nb\" back\\\\slash\nshell ls\n")
    }

    @Test func trimsToTheLimit() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("history-local")
        let history = HistoryFile(url: url, limit: 5) { _ in }
        for number in 1...40 { history.record("line \(number)") }
        #expect(history.entries == (36...40).map { "line \($0)" })
        let fileLines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(fileLines.count <= 5 + 10)
        #expect(fileLines.last == "line 40")
        let reloaded = HistoryFile(url: url, limit: 3) { _ in }
        #expect(reloaded.load() == ["line 38", "line 39", "line 40"])
        #expect(try String(contentsOf: url, encoding: .utf8) == "line 38\nline 39\nline 40\n")
    }

    @Test func secretsAreMaskedInTheFile() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = Secret("tok-abcdefghijklmnop")
        let url = folder.appendingPathComponent("history-local")
        let history = HistoryFile(url: url, limit: 10) { _ in }
        history.record("shell command=\"curl -H 'Authorization: \(secret.revealed)'\"")
        #expect(try String(contentsOf: url, encoding: .utf8) == "shell command=\"curl -H 'Authorization: tok-****mnop'\"\n")
    }

    @Test func aWriteFailureWarnsOnceAndHistoryGoesOnInMemory() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The parent of the history file is a regular file, so the folder cannot be made even as root.
        let blocker = folder.appendingPathComponent("state")
        try Data("x".utf8).write(to: blocker)
        let warnings = Warnings()
        let history = HistoryFile(url: blocker.appendingPathComponent("history-local"), limit: 10) {
            warnings.messages.append($0)
        }
        history.load()
        history.record("one")
        history.record("two")
        #expect(history.entries == ["one", "two"])
        #expect(warnings.messages.count == 1)
        #expect(warnings.messages.first?.hasPrefix("baysh: cannot save history to \(blocker.path)/history-local:") == true)
        #expect(warnings.messages.first?.hasSuffix("this run's history will not be saved") == true)
    }

    @Test func withoutAFileHistoryStaysInMemory() {
        let history = HistoryFile(url: nil, limit: 2) { _ in Issue.record("no warning expected") }
        history.record("a")
        history.record("b")
        history.record("c")
        #expect(history.entries == ["b", "c"])
    }
}
