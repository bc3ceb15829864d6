import PropertyBased
import Testing

@testable import BayshCore

@Suite struct UnifiedDiffTests {
    func lines(_ text: String) -> [OutputLine] {
        text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map { OutputLine(String($0)) }
    }

    @Test func showsAChangeWithContextUnderHeadersNamingFileAndLine() {
        let diff = UnifiedDiff(expected: lines("1\n2\n3\n4\n5\n6\n7\n8"), actual: lines("1\n2\n3\n4\nfive\n6\n7\n8"))
        #expect(
            diff.render(file: "examples/files.txt", line: 12) == """
                --- examples/files.txt:12 (recorded)
                +++ examples/files.txt:12 (replayed)
                @@ -2,7 +2,7 @@
                 2
                 3
                 4
                -5
                +five
                 6
                 7
                 8

                """)
    }

    @Test func separateChangesMakeSeparateHunks() {
        let expected = (1...20).map { OutputLine("\($0)") }
        var actual = expected
        actual[1] = OutputLine("two")
        actual[17] = OutputLine("eighteen")
        let text = UnifiedDiff(expected: expected, actual: actual).render(file: "t", line: 1)
        #expect(text.contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n"))
        #expect(text.contains("@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n"))
    }

    @Test func insertionsIntoEmptyOutputAndStderrLinesAreShownAsInTheFile() {
        let diff = UnifiedDiff(expected: [], actual: [OutputLine("boom", isError: true), OutputLine("x")])
        #expect(diff.render(file: "t", line: 3) == "--- t:3 (recorded)\n+++ t:3 (replayed)\n@@ -0,0 +1,2 @@\n+! boom\n+x\n")
        let removal = UnifiedDiff(expected: lines("a\nb"), actual: lines("a"))
        #expect(removal.render(file: "t", line: 3).hasSuffix("@@ -1,2 +1,1 @@\n a\n-b\n"))
    }

    @Test func maskedLinesThatMatchAreNotShownAsChanges() {
        let diff = UnifiedDiff(expected: lines("id ...\n...\nsize 3"), actual: lines("id 42\nxyz\nsize 4"))
        #expect(diff.render(file: "t", line: 1).hasSuffix("@@ -1,3 +1,3 @@\n id ...\n ...\n-size 3\n+size 4\n"))
        #expect(UnifiedDiff(expected: lines("a\n\n"), actual: lines("a")).render(file: "t", line: 1) == "")
    }

    @Test func theEditScriptIsAShortestOne() async {
        let side = Gen.element(of: ["a", "b", "c"]).map { $0! }.array(of: 0...9)
        await propertyCheck(count: 300, input: side, side) { old, new in
            let steps = UnifiedDiff(expected: old.map { OutputLine($0) }, actual: new.map { OutputLine($0) }).steps
            var expectedSide: [String] = []
            var actualSide: [String] = []
            var kept = 0
            for step in steps {
                switch step {
                case .same(let e, let a):
                    #expect(old[e] == new[a])
                    expectedSide.append(old[e])
                    actualSide.append(new[a])
                    kept += 1
                case .removed(let e): expectedSide.append(old[e])
                case .added(let a): actualSide.append(new[a])
                }
            }
            #expect(expectedSide == old)
            #expect(actualSide == new)
            #expect(kept == Self.longestCommonSubsequence(old, new))
        }
    }

    static func longestCommonSubsequence(_ a: [String], _ b: [String]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in a.indices {
            for j in b.indices {
                table[i + 1][j + 1] = a[i] == b[j] ? table[i][j] + 1 : max(table[i][j + 1], table[i + 1][j])
            }
        }
        return table[a.count][b.count]
    }
}
