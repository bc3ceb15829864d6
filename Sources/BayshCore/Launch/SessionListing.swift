import Foundation

/// `baysh sessions`: the local sessions recorded on this machine, or the AgentBay sessions of the account, whose
/// labels include every pair asked for, as a table.
public enum SessionListing {
    /// The table's lines for the local sessions under `dataHome` (`$XDG_DATA_HOME` when nil): id, created,
    /// labels, workspace; a note when there are none.
    public static func local(labels: [String: String], dataHome: URL? = nil) throws -> [String] {
        let records = try LocalSession.list(dataHome: dataHome).filter { record in
            labels.allSatisfy { record.labels[$0.key] == $0.value }
        }
        guard !records.isEmpty else { return [noneNote("local", labels)] }
        let rows = records.map { record in
            [record.id, LocalSessionStore.isoText(of: record.created), describe(record.labels), record.workspace]
        }
        return TextTable.lines([["ID", "CREATED", "LABELS", "WORKSPACE"]] + rows)
    }

    /// The table's lines for the AgentBay sessions matching `labels`, every page of ListSession.
    public static func agentBay(labels: [String: String], config: AgentBayConfiguration) async throws -> [String] {
        let sessions = try await AgentBaySession.listSessions(config: config, labels: labels)
        guard !sessions.isEmpty else { return [noneNote("AgentBay", labels)] }
        return TextTable.lines([["ID", "STATUS"]] + sessions.map { [$0.id, $0.status] })
    }

    private static func describe(_ labels: [String: String]) -> String {
        labels.isEmpty ? "-" : labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
    }

    private static func noneNote(_ backend: String, _ labels: [String: String]) -> String {
        "no \(backend) sessions" + (labels.isEmpty ? "" : " with labels \(describe(labels))")
    }
}
