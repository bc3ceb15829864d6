import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A benchmark child: one of the release binaries next to `baysh-bench`, started with `posix_spawn` so the figures
/// hold what the child costs and nothing of the bench's own memory.
struct ChildProcess {
    /// What `wait4` told about a child that ended.
    struct Exit {
        var status: Int32
        /// Peak resident memory of the child, in bytes (`ru_maxrss`).
        var peakResident: Int
        /// Wall time from spawn to exit, in milliseconds.
        var milliseconds: Double
        /// CPU time (user + system) of the child, in milliseconds: what the load on the machine hardly changes.
        var cpuMilliseconds: Double = 0
    }

    let pid: pid_t
    let started: ContinuousClock.Instant

    /// The path of `name` in the folder `baysh-bench` runs from, or nil when it was not built.
    static func sibling(_ name: String) -> String? {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name).path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Starts `arguments[0]` with `environment`, its standard descriptors taken from `stdio` (in, out, err); with
    /// `newSession` it leads a session of its own, so a terminal given as stdio becomes its controlling terminal.
    static func spawn(
        _ arguments: [String], environment: [String: String], stdio: (Int32, Int32, Int32), newSession: Bool = false
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdio.0, 0)
        posix_spawn_file_actions_adddup2(&actions, stdio.1, 1)
        posix_spawn_file_actions_adddup2(&actions, stdio.2, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26), which the Glibc module does not bring into Swift.
        if newSession { posix_spawnattr_setflags(&attributes, 0x80) }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let code = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard code == 0 else {
            throw BenchFailure("could not start \(arguments[0]): \(String(cString: strerror(code)))")
        }
        return ChildProcess(pid: pid, started: started)
    }

    /// Waits for the child to end, killing it after `timeout` (a watchdog, so the wait itself costs no CPU that the
    /// child could use).
    func wait(timeout: Duration = .seconds(60)) -> Exit {
        let pid = self.pid
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.milliseconds / 1000, execute: watchdog)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        let elapsed = ContinuousClock.now - started
        watchdog.cancel()
        func milliseconds(_ time: timeval) -> Double { Double(time.tv_sec) * 1000 + Double(time.tv_usec) / 1000 }
        let cpu = milliseconds(usage.ru_utime) + milliseconds(usage.ru_stime)
        return Exit(
            status: status, peakResident: usage.ru_maxrss * 1024, milliseconds: elapsed.milliseconds,
            cpuMilliseconds: cpu)
    }
}

/// A benchmark step that could not run.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

/// Median and 90th percentile of a sample.
struct Percentiles {
    let median: Double
    let p90: Double

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        p90 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.9).rounded(.down)))]
    }
}
