import Foundation
import Testing

@testable import BayshCore

/// The pieces that let a huge result through without extra copies must count and cut exactly as the plain
/// `split`-based code did.
@Suite struct BigTextTests {
    @Test(arguments: ["", "a", "a\n", "\n\n", "one\ntwo\nthree", "é\n😀\nz\n", "x\ny"])
    func linesCountLikeSplit(_ text: String) {
        let split = text.split(separator: "\n", omittingEmptySubsequences: false)
        for kept in 0...4 {
            let lines = TextLines(text, keeping: kept)
            #expect(lines.count == split.count)
            #expect(lines.keptBytes == split.prefix(kept).joined(separator: "\n").utf8.count)
        }
    }

    @Test func hugeTextKeepsItsNewlineInAPieceOfItsOwn() {
        let huge = String(repeating: "x", count: RenderedOutput.separateNewlineBytes)
        var output = RenderedOutput()
        output.append(huge, to: .standardOutput)
        output.append("small", to: .standardOutput)
        #expect(output.chunks.count == 3)
        #expect(output.standardOutput == huge + "\nsmall\n")
    }

    @Test func savedTextIsWrittenWhole() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-bigtext-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = String(repeating: "line é\n", count: 50_000)
        let path = try OutputFolder(directory: folder).save(text: text, stem: "big", fileExtension: "txt")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func plainTextIsNotJSON() {
        #expect(JSONLayout.pretty("  plain text {") == nil)
        #expect(JSONLayout.pretty(" \n{\"a\":1}") == "{\n  \"a\": 1\n}")
    }
}
