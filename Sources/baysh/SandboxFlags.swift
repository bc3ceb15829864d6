import ArgumentParser
import BayshCore

/// How the local session's sandbox confines `shell` and `run_code`: the opt-out, the network, the limits.
struct SandboxFlags: ParsableArguments {
    @Flag(name: .customLong("no-sandbox"), help: ArgumentHelp(
        "Run the local session's shell and run_code unconfined, as you (not recommended; warns at start)."))
    var noSandbox = false

    @Flag(help: "Give the local session's sandbox this machine's network (or label the session network=on).")
    var network = false

    @Option(name: .customLong("sandbox-memory"), help: ArgumentHelp(
        "Address-space limit of each process in the sandbox, e.g. 8G (default 4G).", valueName: "size"))
    var memory: String?

    @Option(name: .customLong("sandbox-file-size"), help: ArgumentHelp(
        "Largest file a process in the sandbox may write, e.g. 4G (default 1G).", valueName: "size"))
    var fileSize: String?

    @Option(name: .customLong("sandbox-processes"), help: ArgumentHelp(
        "Most processes the sandbox may hold at once (default 256; not enforced for root).", valueName: "n"))
    var processes: UInt64?

    func validate() throws {
        _ = try settings()
    }

    func settings() throws -> SandboxSettings {
        var settings = SandboxSettings(enabled: !noSandbox, network: network)
        if let memory { settings.memoryBytes = try Self.size(memory, flag: "--sandbox-memory") }
        if let fileSize { settings.fileSizeBytes = try Self.size(fileSize, flag: "--sandbox-file-size") }
        if let processes {
            guard processes > 0 else { throw ValidationError("--sandbox-processes must be at least 1") }
            settings.processes = processes
        }
        return settings
    }

    func apply(to request: inout SessionRequest) throws {
        request.sandbox = try settings()
    }

    private static func size(_ text: String, flag: String) throws -> UInt64 {
        guard let bytes = SandboxSettings.parseSize(text) else {
            throw ValidationError("\(flag) '\(text)' is not a size; write bytes or a number with K, M, G or T, e.g. 4G")
        }
        return bytes
    }
}
