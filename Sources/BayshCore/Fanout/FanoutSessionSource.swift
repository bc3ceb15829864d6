import Foundation

/// Where a fan-out's sessions come from, one per ``FanoutSlot``, and how the run's leftovers are found again.
public protocol FanoutSessionSource: Sendable {
    /// Creates (or connects) the session for `slot`, carrying `labels` where the backend keeps labels.
    func open(_ slot: FanoutSlot, labels: [String: String]) async throws -> any Session
    /// Whether `error`, from ``open(_:labels:)``, says "no capacity now" (quota, throttling): worth waiting for
    /// rather than a failure of the session.
    func isCapacityRefusal(_ error: any Error) -> Bool
    /// Deletes the sessions labelled `label` that still exist (a create whose answer was lost to Ctrl-C leaves
    /// one behind) and gives their ids; nothing for backends without labels.
    func sweep(label: (key: String, value: String)) async -> [String]
    /// How to delete the run's sessions later by hand, or nil when nothing outlives baysh.
    func cleanUpCommand(label: (key: String, value: String)) -> String?
    /// Lets go of shared resources (connections) once every session is gone.
    func finish() async
}

extension FanoutSessionSource {
    public func isCapacityRefusal(_ error: any Error) -> Bool { false }
    public func sweep(label: (key: String, value: String)) async -> [String] { [] }
    public func cleanUpCommand(label: (key: String, value: String)) -> String? { nil }
    public func finish() async {}
}

/// AgentBay: every session through one ``AgentBayClient``, so the run shares one pool of keep-alive connections
/// (sized for the parallel creates) instead of opening one per session.
public struct AgentBayFanoutSource: FanoutSessionSource {
    public let client: AgentBayClient
    let deletePolling: AgentBayDeletePolling

    public init(
        configuration: AgentBayConfiguration, parallel: Int, deletePolling: AgentBayDeletePolling = .standard
    ) {
        // Every parallel slot may hold a slow create; a few more carry the deletes and their status polls.
        client = AgentBayClient(configuration: configuration, maxConnections: parallel + 4)
        self.deletePolling = deletePolling
    }

    public func open(_ slot: FanoutSlot, labels: [String: String]) async throws -> any Session {
        try await AgentBaySession.create(
            sharing: client, imageId: slot.image ?? "linux_latest", labels: labels, deletePolling: deletePolling)
    }

    public func isCapacityRefusal(_ error: any Error) -> Bool {
        guard case SessionError.api(let code, let message, _, let status) = error else { return false }
        return Self.isCapacityRefusal(code: code, message: message, httpStatus: status)
    }

    /// Throttling (`Throttling*`, HTTP 429) and quota answers. The API documents no quota code, so any code or
    /// message naming a quota or a concurrency limit counts.
    public static func isCapacityRefusal(code: String, message: String, httpStatus: Int?) -> Bool {
        if AgentBayRetryPolicy.isThrottling(code: code, httpStatus: httpStatus) { return true }
        let text = (code + " " + message).lowercased()
        return ["quota", "limitexceeded", "concurrency limit", "too many sessions"].contains { text.contains($0) }
    }

    public func sweep(label: (key: String, value: String)) async -> [String] {
        guard let found = try? await client.allSessions(labels: [label.key: label.value]) else { return [] }
        let live = found.filter { !SessionStatus.endedStates.contains($0.status) }.map(\.id)
        return await withTaskGroup(of: String?.self) { group in
            for id in live {
                group.addTask {
                    (try? await client.deleteSession(id, polling: deletePolling)) != nil ? id : nil
                }
            }
            return await group.reduce(into: []) { if let id = $1 { $0.append(id) } }
        }
    }

    public func cleanUpCommand(label: (key: String, value: String)) -> String? {
        "baysh sessions --agentbay --delete --label \(label.key)=\(label.value) --yes"
    }

    public func finish() async { client.close() }
}
