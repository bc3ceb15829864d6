import ArgumentParser
import BayshCore
import Foundation

/// Which session to open. Other backends' flags (`--mcp`, `--url`, `--agentbay`) join this group.
struct SessionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder a new local session works in (default: a fresh folder of its own).",
        valueName: "dir"))
    var workspace: String?

    @Option(name: .customLong("session-id"), help: ArgumentHelp("Attach to an existing session.", valueName: "id"))
    var sessionId: String?

    @Option(name: .customLong("label"), help: ArgumentHelp("Label for a new session (repeatable).",
        valueName: "key=value"))
    var labels: [String] = []

    func validate() throws {
        for label in labels where !label.contains("=") || label.hasPrefix("=") {
            throw ValidationError("--label '\(label)' is not key=value")
        }
    }

    func request() -> SessionRequest {
        var parsed: [String: String] = [:]
        for label in labels {
            let parts = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parsed[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return SessionRequest(
            workspace: workspace.map { URL(fileURLWithPath: $0, isDirectory: true) }, sessionId: sessionId,
            labels: parsed)
    }
}
