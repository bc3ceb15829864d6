import AgentBayFake
import BayshCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The fan-out section of baysh-bench: the `baysh` binary replaying one transcript on many AgentBay sessions of
/// the loopback fake, where a create takes 1.5 s and the account has a session quota.
///
/// 1. 24 sessions (quota 12) one after another (`--parallel 1`) and at the default parallelism.
/// 2. 100 sessions (quota 32) at `--parallel 40`, so creates also meet the quota: sessions created and deleted
///    (counted by the fake), quota refusals waited out, baysh's peak memory and the TCP connections it opened.
enum FanoutSection: BenchSection {
    static let title = "fanout"

    static func run() async throws {
        guard let baysh = ChildProcess.sibling("baysh") else {
            throw BenchFailure("baysh is not built next to baysh-bench")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-bench-fanout-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let transcript = folder.appendingPathComponent("echo.txt")
        try "> echo text=one\none\n> echo text=two\ntwo\n> sleep ms=200\nslept 200 ms\n"
            .write(to: transcript, atomically: true, encoding: .utf8)

        let serial = try await fanOut(baysh, transcript, count: 24, parallel: 1, quota: 12, folder: folder)
        print(serial.line("24 sessions, quota 12, --parallel 1"))
        let parallel = try await fanOut(baysh, transcript, count: 24, parallel: nil, quota: 12, folder: folder)
        print(parallel.line("24 sessions, quota 12, default --parallel (8)"))
        print(String(format: "fanout: parallel/serial time: %.1f%% (target: well under 25%%)",
            parallel.seconds / serial.seconds * 100))
        let big = try await fanOut(baysh, transcript, count: 100, parallel: 40, quota: 32, folder: folder)
        print(big.line("100 sessions, quota 32, --parallel 40"))
    }

    /// What one run of `baysh --fanout` cost.
    struct Figures {
        var seconds: Double
        var status: Int32
        var created: Int
        var deleted: Int
        var stillRunning: Int
        var refusals: Int
        var peakRunning: Int
        var connections: Int
        var requests: Int
        var peakMemory: Int

        func line(_ what: String) -> String {
            String(format: "fanout: %@: %.2f s, exit %d; created %d, deleted %d, left running %d; ", what, seconds,
                status, created, deleted, stillRunning)
                + "quota refusals \(refusals), peak running \(peakRunning); baysh peak memory "
                + String(format: "%.1f MB", Double(peakMemory) / 1_048_576)
                + "; \(connections) TCP connections for \(requests) requests"
        }
    }

    static func fanOut(
        _ baysh: String, _ transcript: URL, count: Int, parallel: Int?, quota: Int, folder: URL
    ) async throws -> Figures {
        let fake = AgentBayFake()
        fake.capacity = FakeCapacity(bootDelay: .milliseconds(1500), quota: quota)
        try fake.start()
        defer { fake.stop() }
        let environment = [
            "AGENTBAY_ENDPOINT": fake.endpoint, "AGENTBAY_API_KEY": fake.apiKey, "HOME": folder.path,
            "XDG_STATE_HOME": folder.appendingPathComponent("state").path, "PATH": "/usr/bin:/bin",
        ]
        let null = open("/dev/null", O_RDWR)
        defer { close(null) }
        var arguments = [baysh, "--replay", transcript.path, "--check", "--fanout", String(count)]
        if let parallel { arguments += ["--parallel", String(parallel)] }
        let child = try ChildProcess.spawn(arguments, environment: environment, stdio: (null, null, null))
        // `ru_maxrss` of a spawned child carries the bench's own high-water mark (see MemoryProbe), so the child's
        // VmHWM is read while it runs; it only grows, so the last reading is the peak.
        let watcher = Task.detached { () -> Int in
            var peak = 0
            while !Task.isCancelled {
                if let value = peakResident(of: child.pid) { peak = max(peak, value) }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return peak
        }
        let exit = await Task.detached { child.wait(timeout: .seconds(600)) }.value
        watcher.cancel()
        return Figures(
            seconds: exit.milliseconds / 1000, status: exit.status >> 8 & 0xff, created: fake.sessionsCreated,
            deleted: fake.sessionsDeleted, stillRunning: fake.runningSessions, refusals: fake.quotaRefusals,
            peakRunning: fake.peakRunningSessions, connections: fake.connectionsAccepted,
            requests: fake.totalRequests, peakMemory: await watcher.value)
    }

    /// `VmHWM` of a running process, in bytes.
    static func peakResident(of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}
