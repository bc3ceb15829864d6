import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Peak resident memory of the shell, each figure from a child process (``BenchChild``) so the bench's own memory
/// does not count: with a 10,000-tool list loaded (target under 40 MB), and with one huge text result, printed to
/// `/dev/null` and to a terminal (where it is cut and saved to a file), from the local session's `read_file` and
/// over MCP stdio. A big result is shown as a multiple of its size over the same child with a tiny result, since
/// the goal is at most one copy held at once.
enum MemoryBench: BenchSection {
    static let title = "memory"

    static func run() async throws {
        guard let bench = ChildProcess.sibling("baysh-bench"), let server = ChildProcess.sibling("baysh-test-server")
        else {
            print("memory: skipped, baysh-bench and baysh-test-server must be built next to each other")
            return
        }
        let folder = try BenchFolder()
        defer { folder.remove() }
        let base = try peak([bench, "--child", "tools", server, "0"], folder: folder, runs: 3)
        let tools = try peak([bench, "--child", "tools", server, "10000"], folder: folder, runs: 3)
        print("peak resident memory of child processes")
        print(String(format: "  11 tools loaded        %6.1f MB", mb(base)))
        print(String(format: "  10,011 tools loaded    %6.1f MB  (target < 40 MB)", mb(tools)))

        let localSize = 64 << 20  // read_file's largest single read
        let mcpSize = 100_000_000
        let workspace = folder.url.appendingPathComponent("workspace")
        try BenchFiles.write(workspace.appendingPathComponent("big.txt"), bytes: localSize)
        try BenchFiles.write(workspace.appendingPathComponent("small.txt"), bytes: 10)
        let local = [bench, "--child", "local", workspace.path]
        let mcp = [bench, "--child", "mcp", server]
        let localBase = try peak(local + ["read_file path=small.txt"], folder: folder)
        let mcpBase = try peak(mcp + ["big bytes=10"], folder: folder)
        for terminal in [false, true] {
            let place = terminal ? "terminal" : "/dev/null"
            let localPeak = try peak(local + ["read_file path=big.txt"], folder: folder, terminal: terminal)
            print(String(format: "  local read_file 64 MB, to %-9@ %6.1f MB  (%.1f x the result over %.1f MB)",
                place, mb(localPeak), Double(localPeak - localBase) / Double(localSize), mb(localBase)))
            let mcpPeak = try peak(mcp + ["big bytes=\(mcpSize)"], folder: folder, terminal: terminal)
            print(String(format: "  MCP stdio 100 MB, to %-9@      %6.1f MB  (%.1f x the result over %.1f MB)",
                place, mb(mcpPeak), Double(mcpPeak - mcpBase) / Double(mcpSize), mb(mcpBase)))
        }
    }

    private static func mb(_ bytes: Int) -> Double { Double(bytes) / 1_048_576 }

    /// The median peak of `runs` runs of `arguments`, its stdout on `/dev/null` or a pseudo-terminal. Peak memory
    /// hardly varies between runs, unlike time, so the big runs go once.
    static func peak(_ arguments: [String], folder: BenchFolder, terminal: Bool = false, runs: Int = 1) throws -> Int {
        var peaks: [Double] = []
        for _ in 0..<runs {
            let peakFile = folder.url.appendingPathComponent("peak")
            var environment = folder.environment
            environment["BAYSH_BENCH_PEAK"] = peakFile.path
            let null = open("/dev/null", O_RDWR)
            defer { close(null) }
            let exit: ChildProcess.Exit
            if terminal {
                let pty = try PseudoTerminal()
                defer { pty.close() }
                let child = try ChildProcess.spawn(
                    arguments, environment: environment, stdio: (null, pty.follower, null), newSession: true)
                pty.closeFollower()
                pty.drain(timeout: .seconds(900))
                exit = child.wait(timeout: .seconds(900))
            } else {
                let child = try ChildProcess.spawn(arguments, environment: environment, stdio: (null, null, null))
                exit = child.wait(timeout: .seconds(900))
            }
            guard exit.status == 0 else {
                throw BenchFailure("\(arguments.dropFirst(2).joined(separator: " ")) ended with status \(exit.status)")
            }
            guard let text = try? String(contentsOf: peakFile, encoding: .utf8),
                let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
            else { throw BenchFailure("\(arguments.dropFirst(2).joined(separator: " ")) reported no peak") }
            peaks.append(bytes)
        }
        return Int(Percentiles(peaks).median)
    }
}
