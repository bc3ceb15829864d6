import Testing

@testable import BayshCore

/// edit_file's unified diff.
@Suite struct LineDiffTests {
    @Test func identicalTextsGiveNothing() {
        #expect(LineDiff.unified(from: "a\nb\n", to: "a\nb\n", path: "f") == "")
    }

    @Test func insertionAtTheStartHasAnEmptyOldSide() {
        #expect(LineDiff.unified(from: "b\n", to: "a\nb\n", path: "f") == "--- f\n+++ f\n@@ -1,1 +1,2 @@\n+a\n b\n")
        #expect(LineDiff.unified(from: "", to: "x\n", path: "f") == "--- f\n+++ f\n@@ -0,0 +1,1 @@\n+x\n")
    }

    @Test func farApartChangesMakeSeparateHunks() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 2\n", with: "line two\n")
            .replacingOccurrences(of: "line 19\n", with: "")
        let diff = LineDiff.unified(from: old, to: new, path: "f")
        #expect(diff.components(separatedBy: "\n").filter { $0.hasPrefix("@@") } == ["@@ -1,5 +1,5 @@", "@@ -16,5 +16,4 @@"])
        #expect(diff.contains("-line 2\n+line two\n") && diff.contains("-line 19\n"))
    }

    @Test func scriptRebuildsTheNewText() {
        let a = "a b c a b b a".split(separator: " ")
        let b = "c b a b a c".split(separator: " ")
        let steps = LineDiff.script(a, b)
        let rebuilt = steps.compactMap { step -> Substring? in
            switch step {
            case .same(_, let n), .added(let n): b[n]
            case .removed: nil
            }
        }
        #expect(rebuilt == b)
        // Myers finds the shortest script: 5 edits for this classic example.
        #expect(steps.filter { if case .same = $0 { false } else { true } }.count == 5)
    }
}
