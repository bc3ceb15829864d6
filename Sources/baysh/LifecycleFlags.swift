import ArgumentParser
import BayshCore

/// How long an AgentBay session lives: `--idle-timeout`, `--max-runtime`, `--no-keepalive`.
struct LifecycleFlags: ParsableArguments {
    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp(
        "Release a new AgentBay session after this long idle (90s, 5m, 1h; default: the server's, 5m); the "
            + "keep-alive refreshes at a third of it.", valueName: "duration"))
    var idleTimeout: String?

    @Option(name: .customLong("max-runtime"), help: ArgumentHelp(
        "End a new AgentBay session this long after creation whatever happens (whole minutes: 30m, 2h).",
        valueName: "duration"))
    var maxRuntime: String?

    @Flag(name: .customLong("no-keepalive"), help: "Do not keep the AgentBay session alive while baysh holds it.")
    var noKeepAlive = false

    func validate() throws {
        _ = try durations()
    }

    /// Puts the parsed values in `request` (after ``validate()`` they parse).
    func apply(to request: inout SessionRequest) throws {
        (request.idleTimeout, request.maxRuntime) = try durations()
        request.keepAlive = !noKeepAlive
    }

    private func durations() throws -> (Duration?, Duration?) {
        do {
            return (
                try idleTimeout.map { try DurationParsing.parse($0, flag: "--idle-timeout") },
                try maxRuntime.map { try DurationParsing.parse($0, flag: "--max-runtime") }
            )
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
