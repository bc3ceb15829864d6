import ArgumentParser
import BayshCore
import Foundation

/// Which local or AgentBay session: a workspace for a new local one, an id to attach to, labels for a new one.
struct SessionOptions: ParsableArguments {
    @Flag(help: "Open a local session even when an AgentBay key is configured.")
    var local = false

    @Option(help: ArgumentHelp("Folder a new local session works in (default: a fresh folder of its own).",
        valueName: "dir"))
    var workspace: String?

    @Option(name: .customLong("session-id"), help: ArgumentHelp(
        "Attach to an existing local or AgentBay session (never deleted on exit).", valueName: "id"))
    var sessionId: String?

    @Option(name: .customLong("label"), help: ArgumentHelp("Label for a new session (repeatable).",
        valueName: "key=value"))
    var labels: [String] = []

    func request() throws -> SessionRequest {
        var request = try Self.request(workspace: workspace, sessionId: sessionId, labels: labels)
        request.local = local
        return request
    }

    /// The request for `--workspace`, `--session-id` and `--label` values (also `baysh serve`'s).
    static func request(workspace: String?, sessionId: String?, labels: [String]) throws -> SessionRequest {
        SessionRequest(
            workspace: workspace.map { URL(fileURLWithPath: $0, isDirectory: true) }, sessionId: sessionId,
            labels: try KeyValueArgument.table(labels, flag: "--label"))
    }
}

/// `KEY=VALUE` flag values (`--label`, `--env`).
enum KeyValueArgument {
    static func table(_ items: [String], flag: String) throws -> [String: String] {
        var table: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("\(flag) '\(item)' is not key=value")
            }
            table[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return table
    }
}
