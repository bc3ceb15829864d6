import BayshFuzzing
import Foundation
import Testing

/// Replays the fuzzer's seeds and minimized corpus (Fuzz/seeds, Fuzz/corpus) through the same invariant checks the
/// fuzzer runs, so CI catches a regression on any input the fuzzer once found interesting without building it.
@Suite struct FuzzCorpusTests {
    /// The package root, from this file's place in Tests/BayshCoreTests/Fuzz.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func inputs(_ target: FuzzTarget) -> [URL] {
        ["seeds", "corpus"].flatMap { folder -> [URL] in
            let directory = root.appendingPathComponent("Fuzz/\(folder)/\(target.rawValue)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyCorpusInputKeepsTheInvariants(_ target: FuzzTarget) throws {
        let inputs = Self.inputs(target)
        // The seeds alone are a few dozen; the minimized corpus adds a few hundred.
        #expect(inputs.count >= 10, "no corpus for \(target) under \(Self.root.path)/Fuzz")
        for input in inputs {
            let bytes = Array(try Data(contentsOf: input))
            #expect(throws: Never.self, "\(input.lastPathComponent)") { try target.check(bytes) }
        }
    }
}
