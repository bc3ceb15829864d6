import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Replays every transcript in `examples/` with `--check` through the real binary against a fresh local session,
/// so the examples the README points to stay true on every `./dev test`.
@Suite struct ExampleTranscriptTests {
    static var examples: [String] {
        let folder = MCPFixtures.packageRoot.appendingPathComponent("examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted().map { folder.appendingPathComponent($0).path }
    }

    @Test func thereAreAtLeastThreeExamples() {
        #expect(Self.examples.count >= 3)
    }

    @Test(arguments: examples)
    func exampleReplaysWithoutDifferences(_ file: String) async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let outcome = try await baysh.run(["--replay", file, "--check"])
        #expect(outcome.status == 0, "stdout:\n\(outcome.stdout)\nstderr:\n\(outcome.stderr)")
        let count = try TranscriptReader().read(path: file).entries.count
        #expect(outcome.stderr.contains("replayed \(count) of \(count) commands from \(file): \(count) checked, all match"))
    }

    /// The every-tool example is a recording with no hand edits: recording its replay gives the same lines (the
    /// header's session and time aside), masks and all.
    @Test func localToolsExampleIsWhatBayshRecords() async throws {
        let file = MCPFixtures.packageRoot.appendingPathComponent("examples/local-tools.txt").path
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let outcome = try await baysh.run(["--replay", file, "--check", "--record", "fresh.txt"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        func body(_ path: String) throws -> [Substring] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("# ") }
        }
        let example = try body(file)
        #expect(example.count > 40)
        #expect(try body(baysh.path("fresh.txt")) == example)
    }
}
