import Foundation

/// The session the command line asks for, as plain values (the `baysh` target maps its flags to this).
public struct SessionRequest: Sendable, Equatable {
    /// `--workspace DIR`: the folder a new local session works in.
    public var workspace: URL?
    /// `--session-id ID`: attach to an existing session instead of creating one.
    public var sessionId: String?
    /// `--label k=v`: labels for a new session.
    public var labels: [String: String]
    /// Replaces `$XDG_DATA_HOME` for local session records (tests).
    public var dataHome: URL?

    public init(
        workspace: URL? = nil, sessionId: String? = nil, labels: [String: String] = [:], dataHome: URL? = nil
    ) {
        self.workspace = workspace
        self.sessionId = sessionId
        self.labels = labels
        self.dataHome = dataHome
    }
}

/// Opens the ``Session`` a ``SessionRequest`` names. Today that is the local session (created, or attached by
/// id); the MCP and AgentBay backends add their cases here.
public enum SessionOpener {
    public static func open(_ request: SessionRequest) async throws -> any Session {
        if let id = request.sessionId {
            if request.workspace != nil || !request.labels.isEmpty {
                throw SessionError.invalidArgument(
                    "--workspace and --label are for a new session; leave them out with --session-id")
            }
            return try LocalSession.attach(id: id, dataHome: request.dataHome)
        }
        return try LocalSession.create(workspace: request.workspace, labels: request.labels, dataHome: request.dataHome)
    }
}
