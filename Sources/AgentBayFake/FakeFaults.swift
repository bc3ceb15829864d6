import Foundation

/// Faults the fake injects on demand. Counts ("next N") are used up request by request; rates draw from the fake's
/// seeded generator, so a test sees the same sequence every run.
public struct FakeFaults: Sendable, Equatable {
    /// Which operations the request-level faults hit: action names (`CallMcpTool`), or `callTool.link` /
    /// `callTool.vpc` for the direct routes. Nil means every request.
    public var actions: Set<String>?
    /// Answer the next N matching requests with ``serverErrorStatus`` (without processing them).
    public var serverErrorsNext: Int
    /// Fraction (0…1) of matching requests answered with ``serverErrorStatus``.
    public var serverErrorRate: Double
    /// 500, 502, 503, …
    public var serverErrorStatus: Int
    /// Answer the next N matching requests with a `Throttling.User` error.
    public var throttleNext: Int
    /// Fraction (0…1) of matching requests throttled.
    public var throttleRate: Double
    /// HTTP status of a throttling answer: 400 (as the gateway sends `Throttling.User`) or 429.
    public var throttleStatus: Int
    /// Wait this long before answering each matching request (after processing it).
    public var delay: Duration
    /// Close the next N connections that send a request, before reading it (the request is not processed).
    public var dropBeforeReadingNext: Int
    /// Read and process the next N matching requests, then close without answering: the work is done, the answer
    /// is lost.
    public var dropAfterReadingNext: Int

    public init(
        actions: Set<String>? = nil, serverErrorsNext: Int = 0, serverErrorRate: Double = 0,
        serverErrorStatus: Int = 503, throttleNext: Int = 0, throttleRate: Double = 0, throttleStatus: Int = 400,
        delay: Duration = .zero, dropBeforeReadingNext: Int = 0, dropAfterReadingNext: Int = 0
    ) {
        self.actions = actions
        self.serverErrorsNext = serverErrorsNext
        self.serverErrorRate = serverErrorRate
        self.serverErrorStatus = serverErrorStatus
        self.throttleNext = throttleNext
        self.throttleRate = throttleRate
        self.throttleStatus = throttleStatus
        self.delay = delay
        self.dropBeforeReadingNext = dropBeforeReadingNext
        self.dropAfterReadingNext = dropAfterReadingNext
    }

    /// No faults.
    public static let none = FakeFaults()

    func applies(to operation: String) -> Bool { actions?.contains(operation) ?? true }
}

/// How the fake answers where the real API varies, so the client is tested against every variant.
public struct FakeOptions: Sendable, Equatable {
    /// How an error reaches the client.
    public enum ErrorStyle: Sendable, Equatable {
        /// HTTP 4xx/5xx with the envelope as body.
        case httpStatus
        /// HTTP 200 with `Success:false` and a `Code`.
        case successFalse
    }

    public var errorStyle: ErrorStyle
    /// Write error bodies with lower-case keys (`code`, `message`, `requestId`) as the gateway sometimes does.
    public var lowercaseErrorKeys: Bool
    /// Give sessions a `LinkUrl` and `Token` so clients use the LinkUrl route.
    public var offerLinkRoute: Bool
    /// Make new sessions VPC sessions (`VpcResource`, `NetworkInterfaceIp`, `HttpPort`, `Token`).
    public var vpcSessions: Bool
    /// Answer `DeleteSessionAsync` (false: it is an unknown action, as before SDK 0.13).
    public var supportsDeleteSessionAsync: Bool
    /// GetSessionDetail polls that still show `DELETING` after DeleteSessionAsync.
    public var deletingPolls: Int
    /// After DELETING: show `FINISH` once (then not found), or go straight to not found.
    public var deleteEndsWithFinish: Bool
    /// Send `Data` of CallMcpTool/GetLink and `ToolList` as JSON objects/arrays instead of JSON strings.
    public var structuredData: Bool
    /// Write tool list keys as `Name`/`Server` instead of `name`/`server`.
    public var capitalizedToolKeys: Bool
    /// Idle release of sessions created without a `Timeout`; nil: they are never released for being idle.
    public var idleTimeout: Duration?
    /// GetSession/GetSessionDetail polls that show `PAUSING`/`RESUMING` before `PAUSED`/`RUNNING`.
    public var transitionPolls: Int

    public init(
        errorStyle: ErrorStyle = .httpStatus, lowercaseErrorKeys: Bool = false, offerLinkRoute: Bool = false,
        vpcSessions: Bool = false, supportsDeleteSessionAsync: Bool = true, deletingPolls: Int = 1,
        deleteEndsWithFinish: Bool = true, structuredData: Bool = false, capitalizedToolKeys: Bool = false,
        idleTimeout: Duration? = nil, transitionPolls: Int = 1
    ) {
        self.errorStyle = errorStyle
        self.lowercaseErrorKeys = lowercaseErrorKeys
        self.offerLinkRoute = offerLinkRoute
        self.vpcSessions = vpcSessions
        self.supportsDeleteSessionAsync = supportsDeleteSessionAsync
        self.deletingPolls = deletingPolls
        self.deleteEndsWithFinish = deleteEndsWithFinish
        self.structuredData = structuredData
        self.capitalizedToolKeys = capitalizedToolKeys
        self.idleTimeout = idleTimeout
        self.transitionPolls = transitionPolls
    }
}

/// SplitMix64: a tiny seeded generator, so injected faults and generated ids repeat run after run.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ probability: Double) -> Bool {
        probability > 0 && Double.random(in: 0..<1, using: &self) < probability
    }

    mutating func letters(_ count: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &self)] })
    }
}
