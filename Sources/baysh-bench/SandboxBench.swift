import BayshCore
import Foundation

/// What the local session's sandbox costs: a trivial `shell` call (`true`) with and without it, the session's
/// start-up with and without it, and for comparison a bubblewrap started per command with a similar layout (the
/// design the per-session sandbox avoids).
enum SandboxBench: BenchSection {
    static let title = "sandbox"

    static func run() async throws {
        let folder = try BenchFolder()
        defer { folder.remove() }
        let data = folder.url.appendingPathComponent("data")
        let calls = 200
        print("shell command=true on two local sessions, one sandboxed, one --no-sandbox, calls alternating so both")
        print("see the same machine load; \(calls) pairs after 20 to warm up (in-process, no terminal)")
        let plain = try LocalSession.create(dataHome: data, sandbox: SandboxSettings(enabled: false))
        let boxed = try LocalSession.create(dataHome: data)
        var samples: [Bool: [Double]] = [false: [], true: []]
        var added: [Double] = []
        for index in 0..<(calls + 20) {
            var pair: [Bool: Double] = [:]
            for (sandboxed, session) in [(false, plain), (true, boxed)] {
                let started = ContinuousClock.now
                let result = try await session.callTool(name: "shell", arguments: ["command": "true"])
                guard !result.isError else { throw BenchFailure("shell true failed: \(result.text)") }
                pair[sandboxed] = (ContinuousClock.now - started).milliseconds
            }
            guard index >= 20, let without = pair[false], let with = pair[true] else { continue }
            samples[false]?.append(without)
            samples[true]?.append(with)
            added.append(with - without)
        }
        try await plain.delete(syncContext: false)
        try await boxed.delete(syncContext: false)
        for sandboxed in [false, true] {
            let figures = Percentiles(samples[sandboxed] ?? [])
            print(String(format: "  %@  median %6.2f ms  p90 %6.2f ms",
                sandboxed ? "sandboxed   " : "--no-sandbox", figures.median, figures.p90))
        }
        print(String(format: "  the sandbox adds %.2f ms per call (median of the pairs' differences)",
            Percentiles(added).median))

        // Opening waits until bubblewrap has made the namespaces; the first call waits for the rest of its start.
        var opens: [Double] = []
        var readies: [Double] = []
        for _ in 0..<10 {
            let started = ContinuousClock.now
            let session = try LocalSession.create(dataHome: data)
            opens.append((ContinuousClock.now - started).milliseconds)
            let result = try await session.callTool(name: "shell", arguments: ["command": "true"])
            guard !result.isError else { throw BenchFailure("shell true failed: \(result.text)") }
            readies.append((ContinuousClock.now - started).milliseconds)
            try await session.delete(syncContext: false)
        }
        print(String(format: "  opening a sandboxed local session (starting bubblewrap): median %.1f ms, 10 runs; "
            + "to the end of its first call (shell command=true): median %.1f ms",
            Percentiles(opens).median, Percentiles(readies).median))

        let workspace = folder.url.appendingPathComponent("bwrap-ws")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        var perCommand: [Double] = []
        for _ in 0..<20 {
            let started = ContinuousClock.now
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/bwrap")
            process.arguments = [
                "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache",
                "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", workspace.path, workspace.path,
                "--unshare-all", "--die-with-parent", "--new-session", "--chdir", workspace.path,
                "/bin/sh", "-c", "true",
            ]
            do {
                try process.run()
            } catch {
                print("  a bubblewrap per command: skipped, /usr/bin/bwrap cannot run (\(error))")
                return
            }
            process.waitUntilExit()
            perCommand.append((ContinuousClock.now - started).milliseconds)
        }
        print(String(format: "  for comparison, a bubblewrap per command (bwrap ... sh -c true): median %.1f ms, 20 runs",
            Percentiles(perCommand).median))
    }
}
