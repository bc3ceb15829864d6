import CBayshLinux
import BayshTestSupport
import Foundation
import MCP
import Synchronization
import Testing

@testable import BayshCore

/// Issue 12, point 5: a folder of the workspace is swapped with a symlink to outside (`renameat2 RENAME_EXCHANGE`)
/// in a tight loop while the file tools run thousands of times through it. Before, a path resolved as safe could be
/// swapped before it was opened: reads returned the outside file and `write_file` created files outside.
@Suite("hostile peers: symlink races", .serialized)
struct SymlinkRaceTests {
    /// Stops the swapping thread and tells how many swaps it made.
    final class Swapper: Sendable {
        private let stopping = Atomic<Bool>(false)
        private let swaps = Atomic<Int>(0)
        private let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let done = Atomic<Bool>(false)

        /// Swaps `first` and `second` until ``stop()``, on a thread of its own, leaving them as they were.
        init(_ first: String, _ second: String) {
            Thread { [self] in
                var count = 0
                while !stopping.load(ordering: .relaxed) {
                    if bayshlinux_rename_exchange(first, second) == 0 { count += 1 }
                }
                if count % 2 == 1, bayshlinux_rename_exchange(first, second) == 0 { count += 1 }
                swaps.store(count, ordering: .relaxed)
                done.store(true, ordering: .releasing)
                finished.withLock { $0 }?.resume()
            }.start()
        }

        func stop() async -> Int {
            stopping.store(true, ordering: .relaxed)
            await withCheckedContinuation { continuation in
                let ready = finished.withLock { waiting -> Bool in
                    if done.load(ordering: .acquiring) { return true }
                    waiting = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
            return swaps.load(ordering: .relaxed)
        }
    }

    /// Runs on openat2 (where the kernel has it, 5.6 and later) and on the O_NOFOLLOW walk older kernels get.
    @Test(.serialized, arguments: ["openat2", "walk"])
    func swappingAFolderForASymlinkNeverLeadsOutside(path: String) async throws {
        bayshlinux_open_beneath_use_walk(path == "walk" ? 1 : 0)
        defer { bayshlinux_open_beneath_use_walk(0) }
        if path == "walk" { #expect(bayshlinux_open_beneath_uses_openat2() == 0) }
        let fixture = try LocalFixture()
        let outside = fixture.outside.path
        try "only outside\n".write(toFile: outside + "/only-outside.txt", atomically: false, encoding: .utf8)
        try fixture.put("inner/secret.txt", "inside\n")
        try fixture.put("inner/only-inside.txt", "inside\n")
        try fixture.symlink("swap", to: outside)
        let outsideBefore = Set(try FileManager.default.contentsOfDirectory(atPath: outside))

        let swapper = Swapper(fixture.workspace + "/inner", fixture.workspace + "/swap")
        var leaks: [String] = []
        var succeeded = 0
        for round in 0..<3000 {
            let read = try await fixture.call("read_file", ["path": "inner/secret.txt"])
            if read.text.contains("top secret") { leaks.append("read_file returned the outside file") }
            if !read.isError { succeeded += 1 }
            let written = try await fixture.call(
                "write_file", ["path": .string("inner/w-\(round).txt"), "content": "x"])
            if !written.isError { succeeded += 1 }
            if round % 10 == 0 {
                let listed = try await fixture.call("list_directory", ["path": "inner"])
                if listed.text.contains("only-outside") { leaks.append("list_directory listed the outside folder") }
                let info = try await fixture.call("get_file_info", ["path": "inner/only-outside.txt"])
                if !info.isError { leaks.append("get_file_info saw an outside file") }
                let found = try await fixture.call("search_files", ["path": "inner", "pattern": "only-outside"])
                if found.text.contains("only-outside") { leaks.append("search_files found an outside file") }
                _ = try await fixture.call("create_directory", ["path": .string("inner/d-\(round)")])
                _ = try await fixture.call(
                    "move_file", ["source": .string("inner/w-\(round).txt"), "destination": .string("inner/m-\(round).txt")])
                _ = try await fixture.call("edit_file", [
                    "path": "inner/only-inside.txt",
                    "edits": [["oldText": "inside", "newText": "inside"]],
                ])
                _ = try await fixture.call("delete_file", ["path": .string("inner/m-\(round).txt")])
            }
            if leaks.count > 5 { break }
        }
        let swaps = await swapper.stop()

        let outsideAfter = Set(try FileManager.default.contentsOfDirectory(atPath: outside))
        #expect(leaks.isEmpty, "\(leaks.count) escapes, first: \(leaks.first ?? "")")
        #expect(outsideAfter == outsideBefore, "created outside: \(outsideAfter.subtracting(outsideBefore).sorted())")
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == "top secret\n")
        #expect(try String(contentsOfFile: outside + "/only-outside.txt", encoding: .utf8) == "only outside\n")
        // The race was real (many swaps) and the tools still worked between swaps.
        #expect(swaps > 1000, "only \(swaps) swaps")
        #expect(succeeded > 100, "only \(succeeded) calls succeeded")
    }
}
