import BayshTestSupport
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
        print("child processes: peak = VmHWM; retained = VmRSS after loading, :tools, :describe and completing,")
        print("after malloc_trim")
        try tools(bench: bench, server: server, label: "dynamic runtime", folder: folder)
        if let baysh = ChildProcess.sibling("baysh") {
            try releaseBaysh(baysh, server: server)
        } else {
            print("  release baysh: skipped (build the baysh product next to baysh-bench)")
        }

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

    /// The peak of the `baysh` users run (the release build: static Swift runtime) with the 14 fixture tools and
    /// with 10,014, through `Benchmarks/own-peak.sh`: each process writes its own VmHWM as it exits, since a
    /// parent's `ru_maxrss` would fold in the MCP server that `baysh` reaps (150 MB with 10,000 tools).
    private static func releaseBaysh(_ baysh: String, server: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/own-peak.sh").path
        func peak(tools: Int) throws -> Double? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let serverCommand = tools > 0 ? "\(server) --tools \(tools)" : server
            process.arguments = [script, baysh, "--mcp", serverCommand, "-c", ":tools", "-c", ":describe echo"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            // "baysh 33292 kB"
            let line = text.split(separator: "\n").first { $0.hasPrefix("baysh ") }
            return line.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 / 1024 }
        }
        var base: [Double] = []
        var many: [Double] = []
        for _ in 0..<3 {
            guard let small = try peak(tools: 0), let large = try peak(tools: 10_000) else {
                print("  release baysh: skipped (\(script) printed no figure; it needs cc)")
                return
            }
            base.append(small)
            many.append(large)
        }
        print("  release baysh (static runtime), own VmHWM, median of 3: `--mcp SERVER -c :tools -c ':describe echo'`")
        print(String(format: "    14 tools loaded        peak %6.1f MB", base.sorted()[1]))
        print(String(format: "    10,014 tools loaded    peak %6.1f MB  (target < 40 MB peak)", many.sorted()[1]))
    }

    /// Peak and retained memory with the 14 fixture tools and with 10,000 generated ones besides, and what each step
    /// of the 10,014-tool child left behind.
    private static func tools(bench: String, server: String, label: String, folder: BenchFolder) throws {
        let base = try median([bench, "--child", "tools", server, "0"], folder: folder, runs: 3)
        let many = try median([bench, "--child", "tools", server, "10000"], folder: folder, runs: 3)
        print("  \(label)")
        print(String(format: "    14 tools loaded        peak %6.1f MB  retained %6.1f MB", mb(base.peak),
            mb(base.resident)))
        print(String(format: "    10,014 tools loaded    peak %6.1f MB  retained %6.1f MB  (target < 40 MB peak)",
            mb(many.peak), mb(many.resident)))
        let steps = try run([bench, "--child", "tools", server, "10000"], folder: folder)
        print("    steps of the 10,014-tool child: resident after each, peak so far")
        for (step, probe) in steps {
            let label = step.padding(toLength: 11, withPad: " ", startingAt: 0)
            print("      " + label + String(format: "%6.1f MB, peak %6.1f MB", mb(probe.resident), mb(probe.peak)))
        }
    }

    /// Of `runs` runs, the one whose peak is the median: its peak, and what it held once it had done everything
    /// (step `completed`) while the tool list was still loaded.
    private static func median(_ arguments: [String], folder: BenchFolder, runs: Int) throws -> MemoryProbe {
        var figures: [MemoryProbe] = []
        for _ in 0..<runs {
            let steps = try run(arguments, folder: folder)
            guard let end = steps.last?.1, let done = steps.first(where: { $0.0 == "completed" })?.1 else {
                throw BenchFailure("\(arguments.dropFirst(2).joined(separator: " ")) reported no figures")
            }
            figures.append(MemoryProbe(peak: end.peak, resident: done.resident))
        }
        return figures.sorted { $0.peak < $1.peak }[figures.count / 2]
    }

    /// The peak of one run of `arguments`, its stdout on `/dev/null` or a pseudo-terminal. Peak memory hardly varies
    /// between runs, unlike time, so the big runs go once.
    static func peak(_ arguments: [String], folder: BenchFolder, terminal: Bool = false) throws -> Int {
        guard let end = try run(arguments, folder: folder, terminal: terminal).last?.1 else {
            throw BenchFailure("\(arguments.dropFirst(2).joined(separator: " ")) reported no figures")
        }
        return end.peak
    }

    /// The figures a child recorded, step by step (the last one at its end).
    private static func run(_ arguments: [String], folder: BenchFolder, terminal: Bool = false) throws
        -> [(String, MemoryProbe)]
    {
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
        guard let text = try? String(contentsOf: peakFile, encoding: .utf8) else {
            throw BenchFailure("\(arguments.dropFirst(2).joined(separator: " ")) reported no figures")
        }
        return text.split(separator: "\n").compactMap { line in
            guard let space = line.firstIndex(of: " "), let probe = MemoryProbe(String(line[space...])) else {
                return nil
            }
            return (String(line[..<space]), probe)
        }
    }
}
