import BayshTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Start-up of the release `baysh` next to `baysh-bench` (what `swift build -c release` and `./dev run` build) on a
/// new local session: the time from spawn to the prompt on a terminal (a pseudo-terminal the bench reads), and the
/// wall time of `baysh -c ':quit'`. Each child gets a fresh `XDG_DATA_HOME`/`XDG_STATE_HOME`. Target: under 20 ms
/// for both. Other builds of baysh named in `BAYSH_BENCH_COMPARE` (paths separated by `:`, e.g. one linked against
/// the shared Swift runtime) are measured in the same rounds, so load changes hit every binary alike.
enum StartupBench: BenchSection {
    static let title = "start-up"

    static func run() async throws {
        guard let baysh = ChildProcess.sibling("baysh") else {
            print("start-up: skipped, baysh is missing next to baysh-bench (swift build -c release)")
            return
        }
        let others = (ProcessInfo.processInfo.environment["BAYSH_BENCH_COMPARE"] ?? "")
            .split(separator: ":").map(String.init).filter { FileManager.default.isExecutableFile(atPath: $0) }
        let binaries = [baysh] + others
        let runs = 30
        let home = try BenchFolder()
        defer { home.remove() }
        var quit = Array(repeating: [Double](), count: binaries.count)
        var prompt = quit
        var quitCPU = quit
        let loadBefore = loadAverage()
        for _ in 0..<runs {
            for (index, binary) in binaries.enumerated() {
                let exit = try quitExit(binary, home: home)
                quit[index].append(exit.milliseconds)
                quitCPU[index].append(exit.cpuMilliseconds)
                prompt[index].append(try promptTime(binary, home: home))
            }
        }
        print("start-up on a new local session, \(runs) runs each; load average \(loadBefore) before, "
            + "\(loadAverage()) after")
        for (index, binary) in binaries.enumerated() {
            print(index == 0 ? "release baysh (\(binary))" : "compared: \(binary)")
            report("  baysh -c ':quit'       ", Percentiles(quit[index]))
            report("  spawn to prompt (pty)  ", Percentiles(prompt[index]))
            let cpu = Percentiles(quitCPU[index])
            print(String(
                format: "  CPU of -c ':quit'       median %6.1f ms  p90 %6.1f ms  (user + sys)", cpu.median, cpu.p90))
            // Dynamic loading was the largest part of start-up: say what is still loaded at the prompt.
            var libraries: [String] = []
            _ = try promptTime(binary, home: home) { libraries = sharedLibraries(of: $0) }
            let curl = libraries.contains { $0.hasPrefix("libcurl") } ? "libcurl loaded" : "libcurl not loaded"
            print("  shared libraries at the prompt: \(libraries.count) (\(curl))")
        }
    }

    private static func report(_ label: String, _ figures: Percentiles) {
        print(String(format: "%@ median %6.1f ms  p90 %6.1f ms  (target < 20 ms)", label, figures.median, figures.p90))
    }

    /// The 1-minute load average (`uptime`'s first figure): timings on this shared machine mean little without it.
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first
        else { return "unknown" }
        return String(first)
    }

    static func quitExit(_ baysh: String, home: BenchFolder) throws -> ChildProcess.Exit {
        let null = open("/dev/null", O_RDWR)
        defer { close(null) }
        let child = try ChildProcess.spawn(
            [baysh, "-c", ":quit"], environment: home.environment, stdio: (null, null, null))
        let exit = child.wait(timeout: .seconds(30))
        guard exit.status == 0 else { throw BenchFailure("baysh -c ':quit' ended with status \(exit.status)") }
        return exit
    }

    /// Spawns baysh on a pseudo-terminal, waits for `> ` (the end of the prompt), then ends it with Ctrl-D.
    /// `atPrompt` gets baysh's pid while the prompt is shown.
    static func promptTime(
        _ baysh: String, home: BenchFolder, atPrompt: (pid_t) -> Void = { _ in }
    ) throws -> Double {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let child = try ChildProcess.spawn(
            [baysh], environment: home.environment.merging(["TERM": "xterm"]) { $1 },
            stdio: (terminal.follower, terminal.follower, terminal.follower), newSession: true)
        terminal.closeFollower()
        let seen = terminal.read(until: Array("> ".utf8), timeout: .seconds(30))
        let elapsed = (ContinuousClock.now - child.started).milliseconds
        if seen { atPrompt(child.pid) }
        terminal.write([4])
        terminal.drain(timeout: .seconds(30))
        _ = child.wait(timeout: .seconds(30))
        guard seen else { throw BenchFailure("baysh showed no prompt on the terminal") }
        return elapsed
    }

    /// The file names of the shared libraries mapped into `pid` (from `/proc/PID/maps`), sorted.
    static func sharedLibraries(of pid: pid_t) -> [String] {
        // Read to the end by hand: Foundation stops /proc files short, as their size says 0.
        let descriptor = open("/proc/\(pid)/maps", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while case let count = read(descriptor, &chunk, chunk.count), count > 0 { bytes += chunk[..<count] }
        let maps = String(decoding: bytes, as: UTF8.self)
        let names = maps.split(separator: "\n").compactMap { line -> String? in
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last, path.hasPrefix("/"),
                let name = path.split(separator: "/").last, name.contains(".so")
            else { return nil }
            return String(name)
        }
        return Set(names).sorted()
    }
}

/// A temporary `XDG_DATA_HOME` and `XDG_STATE_HOME` for benchmark children.
struct BenchFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_DATA_HOME"] = url.appendingPathComponent("data").path
        environment["XDG_STATE_HOME"] = url.appendingPathComponent("state").path
        environment["NO_COLOR"] = "1"
        return environment
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
