import Foundation

/// get_metrics (`wuying_system`): figures of this machine read from /proc and statvfs. Sizes are bytes; CPU use and
/// network rates come from two samples ``sampleGap`` apart.
struct SystemMetrics: Codable, Equatable, Sendable {
    var cpuCount: Int
    var cpuUsedPct: Double
    var diskTotal: Int
    var diskUsed: Int
    var memTotal: Int
    var memUsed: Int
    var rxRateKbytePerS: Double
    var txRateKbytePerS: Double
    var rxUsedKbyte: Double
    var txUsedKbyte: Double
    var timestamp: String

    /// The cloud's key names.
    enum CodingKeys: String, CodingKey {
        case cpuCount = "cpu_count"
        case cpuUsedPct = "cpu_used_pct"
        case diskTotal = "disk_total"
        case diskUsed = "disk_used"
        case memTotal = "mem_total"
        case memUsed = "mem_used"
        case rxRateKbytePerS = "rx_rate_kbyte_per_s"
        case txRateKbytePerS = "tx_rate_kbyte_per_s"
        case rxUsedKbyte = "rx_used_kbyte"
        case txUsedKbyte = "tx_used_kbyte"
        case timestamp
    }

    static let sampleGap: Duration = .milliseconds(100)

    /// Measures now. Throws `CancellationError` when cancelled during the sampling pause, ``ToolFailure`` when /proc
    /// cannot be read (not Linux, or /proc not mounted).
    static func measure(workspace: String) async throws -> SystemMetrics {
        let clock = ContinuousClock()
        let cpuBefore = try cpuTimes()
        let netBefore = try networkBytes()
        let started = clock.now
        try await Task.sleep(for: sampleGap)
        let cpuAfter = try cpuTimes()
        let netAfter = try networkBytes()
        let seconds = max(0.001, Double(started.duration(to: clock.now).components.attoseconds) / 1e18
            + Double(started.duration(to: clock.now).components.seconds))

        let busy = Double(cpuAfter.busy - cpuBefore.busy)
        let total = Double(cpuAfter.total - cpuBefore.total)
        var disk = statvfs()
        guard statvfs(workspace, &disk) == 0 else {
            throw ToolFailure("cannot read the file system of \(workspace): \(String(cString: strerror(errno)))")
        }
        let memory = try memoryKilobytes()
        let memTotal = memory["MemTotal"] ?? 0
        return SystemMetrics(
            cpuCount: max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            cpuUsedPct: total > 0 ? rounded(100 * busy / total) : 0,
            diskTotal: Int(disk.f_blocks) * Int(disk.f_frsize),
            diskUsed: Int(disk.f_blocks - disk.f_bfree) * Int(disk.f_frsize),
            memTotal: memTotal * 1024,
            memUsed: (memTotal - (memory["MemAvailable"] ?? memory["MemFree"] ?? 0)) * 1024,
            rxRateKbytePerS: rounded(Double(netAfter.rx - netBefore.rx) / 1024 / seconds),
            txRateKbytePerS: rounded(Double(netAfter.tx - netBefore.tx) / 1024 / seconds),
            rxUsedKbyte: rounded(Double(netAfter.rx) / 1024),
            txUsedKbyte: rounded(Double(netAfter.tx) / 1024),
            timestamp: Date().formatted(.iso8601))
    }

    /// The JSON text of the result.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }

    /// The `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal (guest time is inside user).
    private static func cpuTimes() throws -> (busy: Int, total: Int) {
        let line = try procFile("/proc/stat").split(separator: "\n").first { $0.hasPrefix("cpu ") } ?? ""
        let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { Int($0) }
        guard fields.count >= 4 else { throw ToolFailure("/proc/stat has no cpu line this tool understands") }
        let idle = fields[3] + (fields.count > 4 ? fields[4] : 0)
        let total = fields.reduce(0, +)
        return (total - idle, total)
    }

    /// Received and sent bytes over every interface but loopback.
    private static func networkBytes() throws -> (rx: Int, tx: Int) {
        var rx = 0
        var tx = 0
        for line in try procFile("/proc/net/dev").split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let numbers = line[line.index(after: colon)...].split(separator: " ").compactMap { Int($0) }
            guard name != "lo", numbers.count >= 9 else { continue }
            rx += numbers[0]
            tx += numbers[8]
        }
        return (rx, tx)
    }

    private static func memoryKilobytes() throws -> [String: Int] {
        var values: [String: Int] = [:]
        for line in try procFile("/proc/meminfo").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let number = Int(parts[1]) { values[String(parts[0].dropLast())] = number }
        }
        return values
    }

    private static func procFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ToolFailure("cannot read \(path); get_metrics needs Linux's /proc")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
