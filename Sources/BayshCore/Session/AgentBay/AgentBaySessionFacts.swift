import Foundation
import MCP

/// What CreateMcpSession or GetSession says about a session (their `Data` objects).
public struct AgentBaySessionFacts: Sendable, Equatable {
    /// `session-04bdwfj7u688ec96t`.
    public var sessionId: String
    /// `RUNNING`, … (GetSession only).
    public var status: String?
    public var resourceUrl: String?
    public var appInstanceId: String?
    public var resourceId: String?
    /// Base URL of the direct tool route; with ``token`` and a tool's server, calls go there.
    public var linkUrl: String?
    /// The session token (direct routes); masked when printed.
    public var token: Secret?
    /// `ToolList`, when the answer carried one.
    public var tools: [ToolInfo]?
    /// `VpcResource`, `NetworkInterfaceIp`, `HttpPort`, `Token`.
    public var vpc: VPCInfo
    /// The answer's `RequestId`.
    public var requestId: String?

    /// Reads a CreateMcpSession/GetSession `Data` object.
    package init(data: [String: Value], requestId: String?, action: String) throws {
        let string = { (key: String) -> String? in
            AgentBayEnvelope.string(data, key).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let sessionId = string("SessionId") else {
            throw SessionError.protocolViolation("the \(action) answer has no SessionId")
        }
        self.sessionId = sessionId
        self.status = string("Status")
        self.resourceUrl = string("ResourceUrl")
        self.appInstanceId = string("AppInstanceId")
        self.resourceId = string("ResourceId")
        self.linkUrl = string("LinkUrl")
        self.token = string("Token").map(Secret.init)
        let toolList = AgentBayEnvelope.member(data, "ToolList")
        self.tools = toolList == nil ? nil : try ToolListParsing.tools(from: toolList, what: "the \(action) ToolList")
        self.vpc = VPCInfo(
            isEnabled: AgentBayEnvelope.member(data, "VpcResource").flatMap(WireValue.bool) ?? false,
            networkInterfaceIP: string("NetworkInterfaceIp"), httpPort: string("HttpPort"), token: token)
        self.requestId = requestId
    }
}

/// One line of ListSession: `{"SessionId","SessionStatus"}`.
public struct AgentBaySessionSummary: Sendable, Equatable {
    public var id: String
    /// `RUNNING`, …; `UNKNOWN` when the server gave none (as the SDK does).
    public var status: String

    public init(id: String, status: String) {
        self.id = id
        self.status = status
    }
}

/// One page of ListSession.
public struct AgentBaySessionPage: Sendable, Equatable {
    public var sessions: [AgentBaySessionSummary]
    /// Empty or nil on the last page.
    public var nextToken: String?
    public var totalCount: Int?
}

/// GetMcpResource `Data`: the session's desktop facts.
public struct AgentBayResource: Sendable, Equatable {
    public var sessionId: String
    public var resourceUrl: String?
    public var appId: String?
    /// Masked when printed.
    public var authCode: Secret?
    public var connectionProperties: String?
    public var resourceId: String?
    public var resourceType: String?
    /// Masked when printed.
    public var ticket: Secret?
    public var requestId: String?
}

/// How long `delete` waits for the session to go away (the SDK: every 1 s for up to 300 s), and how long a context
/// sync before it may take (every 1.5 s, at most 150 polls).
public struct AgentBayDeletePolling: Sendable, Equatable {
    public var interval: Duration
    public var timeout: Duration
    public var contextInterval: Duration
    public var contextPolls: Int

    public init(
        interval: Duration = .seconds(1), timeout: Duration = .seconds(300),
        contextInterval: Duration = .milliseconds(1500), contextPolls: Int = 150
    ) {
        self.interval = interval
        self.timeout = timeout
        self.contextInterval = contextInterval
        self.contextPolls = contextPolls
    }

    public static let standard = AgentBayDeletePolling()
}
