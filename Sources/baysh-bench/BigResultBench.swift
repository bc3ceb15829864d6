import BayshTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How fast the release `baysh` is done with a huge result on a terminal (a pseudo-terminal the bench reads at
/// once): the time from the result's arrival to the next prompt, which is the time from Enter to the prompt less
/// the call's own time (`:timing on` prints it), for a 64 MB `read_file` and a 100 MB `read_multiple_files` on a
/// local session; and how soon Ctrl-C (SIGINT) stops `:format raw` printing 64 MB to a terminal that is not being read.
enum BigResultBench: BenchSection {
    static let title = "big result"

    static func run() async throws {
        guard let baysh = ChildProcess.sibling("baysh") else {
            print("big result: skipped, baysh is missing next to baysh-bench (swift build -c release)")
            return
        }
        let folder = try BenchFolder()
        defer { folder.remove() }
        let workspace = folder.url.appendingPathComponent("workspace")
        try BenchFiles.write(workspace.appendingPathComponent("big.txt"), bytes: 64 << 20)
        try BenchFiles.write(workspace.appendingPathComponent("a.txt"), bytes: 50_000_000)
        try BenchFiles.write(workspace.appendingPathComponent("b.txt"), bytes: 50_000_000)

        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let child = try ChildProcess.spawn(
            [baysh, "--workspace", workspace.path], environment: folder.environment.merging(["TERM": "xterm"]) { $1 },
            stdio: (terminal.follower, terminal.follower, terminal.follower), newSession: true)
        terminal.closeFollower()
        defer {
            terminal.write([4])
            terminal.drain(timeout: .seconds(30))
            _ = child.wait(timeout: .seconds(30))
        }
        try step(terminal, nil, until: "> ")
        try step(terminal, ":timing on", until: "> ")
        let runs = 7
        print("release baysh on a terminal, result arrival to prompt (Enter to prompt less the call), \(runs) runs")
        for (label, line) in [
            ("read_file 64 MB            ", "read_file path=big.txt"),
            ("read_multiple_files 100 MB ", "read_multiple_files paths:=[\"a.txt\",\"b.txt\"]"),
        ] {
            var after: [Double] = []
            var calls: [Double] = []
            for _ in 0..<runs {
                let started = ContinuousClock.now
                let shown = try step(terminal, line, until: "baysh local:")
                try step(terminal, nil, until: "> ")
                let total = (ContinuousClock.now - started).milliseconds
                guard let call = tookMilliseconds(in: shown) else { throw BenchFailure("no 'took' after \(line)") }
                calls.append(call)
                after.append(total - call)
            }
            print(String(format: "  %@ median %6.1f ms  p90 %6.1f ms  (the call itself: median %.1f ms)",
                label, Percentiles(after).median, Percentiles(after).p90, Percentiles(calls).median))
        }

        try step(terminal, ":format raw", until: "> ")
        var stops: [Double] = []
        for _ in 0..<runs {
            // Once the text starts to show, nothing reads the terminal for a while, so baysh's writing is held up.
            try step(terminal, "read_file path=big.txt", until: String(repeating: "x", count: 99))
            usleep(300_000)
            let pressed = ContinuousClock.now
            // SIGINT as Ctrl-C sends it: the bench's pseudo-terminal is the child's stdio, not its controlling
            // terminal, so a typed ^C would stay a byte.
            kill(child.pid, SIGINT)
            try step(terminal, nil, until: "output interrupted")
            stops.append((ContinuousClock.now - pressed).milliseconds)
            try step(terminal, nil, until: "> ")
        }
        print(String(format: "  Ctrl-C while printing 64 MB (raw) to a terminal not read: stopped after median %.1f ms, p90 %.1f ms",
            Percentiles(stops).median, Percentiles(stops).p90))
    }

    /// Types `line` (when given) and Enter, then reads until `marker`; gives what was read.
    @discardableResult
    private static func step(_ terminal: PseudoTerminal, _ line: String?, until marker: String) throws -> String {
        if let line { terminal.write(Array((line + "\r").utf8)) }
        guard let bytes = terminal.readBytes(until: Array(marker.utf8), timeout: .seconds(120)) else {
            throw BenchFailure("'\(marker)' did not show after \(line ?? "waiting")")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `took 123.4ms` (or `1.2s`, `850µs`) baysh printed, in milliseconds.
    private static func tookMilliseconds(in text: String) -> Double? {
        guard let range = text.range(of: "took ", options: .backwards) else { return nil }
        let rest = text[range.upperBound...]
        let number = rest.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number) else { return nil }
        let unit = rest.dropFirst(number.count).drop { $0 == " " }
        if unit.hasPrefix("ms") { return value }
        if unit.hasPrefix("µs") { return value / 1000 }
        if unit.hasPrefix("s") { return value * 1000 }
        return nil
    }
}
