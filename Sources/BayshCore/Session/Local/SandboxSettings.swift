import Foundation

/// How a local session confines the commands of its `shell` and `run_code` tools: a bubblewrap sandbox (the
/// default) or, with `--no-sandbox`, nothing at all.
public struct SandboxSettings: Sendable, Equatable {
    /// False with `--no-sandbox`: commands run as baysh's user on this machine, unconfined.
    public var enabled: Bool
    /// `--network`, or the session label `network=on`: the sandbox shares this machine's network.
    public var network: Bool
    /// `--sandbox-memory`: the address-space limit of every process inside (RLIMIT_AS), in bytes.
    public var memoryBytes: UInt64
    /// `--sandbox-file-size`: the largest file a process inside may write (RLIMIT_FSIZE), in bytes.
    public var fileSizeBytes: UInt64
    /// `--sandbox-processes`: how many processes the sandbox may hold at once (RLIMIT_NPROC, counted in the
    /// sandbox's own user namespace; the kernel does not apply it to root).
    public var processes: UInt64

    public static let defaultMemoryBytes: UInt64 = 4 << 30
    public static let defaultFileSizeBytes: UInt64 = 1 << 30
    public static let defaultProcesses: UInt64 = 256

    /// The label that turns the network on for a session, kept in its record so an attach gets it back.
    public static let networkLabel = (key: "network", value: "on")

    public init(
        enabled: Bool = true, network: Bool = false, memoryBytes: UInt64 = defaultMemoryBytes,
        fileSizeBytes: UInt64 = defaultFileSizeBytes, processes: UInt64 = defaultProcesses
    ) {
        self.enabled = enabled
        self.network = network
        self.memoryBytes = memoryBytes
        self.fileSizeBytes = fileSizeBytes
        self.processes = processes
    }

    /// These settings with the network on when `labels` ask for it.
    func applying(labels: [String: String]) -> SandboxSettings {
        var settings = self
        if labels[Self.networkLabel.key] == Self.networkLabel.value { settings.network = true }
        return settings
    }

    /// A size such as `512M`, `4G`, `1048576` or `64k` (powers of 1024) in bytes; nil when it is not one.
    public static func parseSize(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last else { return nil }
        let shifts: [Character: UInt64] = ["k": 10, "K": 10, "m": 20, "M": 20, "g": 30, "G": 30, "t": 40, "T": 40]
        let shift = shifts[last] ?? 0
        let digits = shift == 0 ? Substring(trimmed) : trimmed.dropLast()
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let number = UInt64(digits), number > 0,
            number <= UInt64.max >> shift
        else { return nil }
        return number << shift
    }

    /// `4 GiB`, `512 MiB`, `1000 bytes`: the shortest exact form, for `:session`.
    static func formatSize(_ bytes: UInt64) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] as [(UInt64, String)]
        where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) bytes"
    }

    /// One line for `:session` and `:info`.
    var summary: String {
        guard enabled else { return "OFF (--no-sandbox): commands run unconfined as this machine's user" }
        return "bubblewrap; network \(network ? "on" : "off"); limits: memory \(Self.formatSize(memoryBytes)), "
            + "file size \(Self.formatSize(fileSizeBytes)), \(processes) processes"
    }
}
