import BayshCore
import Foundation

/// How the fake's account limits sessions, for fan-out tests and the bench: creating a session takes
/// ``bootDelay`` (the session exists, RUNNING, from the moment the request arrives, as on the real fleet, so a
/// client that gives up mid-create leaves it behind), and at most ``quota`` sessions may be RUNNING at once.
/// A session being deleted no longer counts. Over quota, CreateMcpSession is refused with ``quotaCode`` in the
/// configured error style (the real code is not documented; baysh treats any `*Quota*` code as "wait for a slot").
public struct FakeCapacity: Sendable, Equatable {
    /// How long CreateMcpSession takes to answer.
    public var bootDelay: Duration
    /// Sessions that may be RUNNING at once; nil for no limit.
    public var quota: Int?

    public init(bootDelay: Duration = .zero, quota: Int? = nil) {
        self.bootDelay = bootDelay
        self.quota = quota
    }

    /// The code of the refusal over quota.
    public static let quotaCode = "QuotaExceeded.Session"
}

/// Counters of the capacity checks.
struct FakeCapacityCounters: Sendable, Equatable {
    /// CreateMcpSession requests refused over quota.
    var refusals = 0
    /// Most sessions RUNNING at once.
    var peakRunning = 0
    /// DeleteSessionAsync/ReleaseMcpSession requests that found a running session.
    var deleted = 0
}

extension FakeBackend {
    /// A refused CreateMcpSession's answer.
    struct QuotaRefusal: Error {
        var response: HTTPResponseMessage
    }

    /// Creates the session when the quota has a free slot (checked and taken under one lock, so parallel
    /// requests cannot overrun it); otherwise the refusal.
    func admitSession(
        imageId: String, labels: [String: String]
    ) -> Result<(FakeSession, FakeOptions, Int), QuotaRefusal> {
        state.withLock { state in
            if let quota = state.capacity.quota,
                state.sessions.values.reduce(0, { $0 + ($1.status == "RUNNING" ? 1 : 0) }) >= quota
            {
                state.capacityCounters.refusals += 1
                return .failure(QuotaRefusal(response: errorResponse(
                    &state, status: 400, code: FakeCapacity.quotaCode,
                    message: "The number of running sessions has reached the quota of your account (\(quota)).")))
            }
            return .success((state.newSession(imageId: imageId, labels: labels), state.options, state.port))
        }
    }

    /// Notes the running count after a create, then waits the boot delay.
    func bootNewSession() async {
        let delay = state.withLock { state -> Duration in
            let running = state.sessions.values.reduce(0) { $0 + ($1.status == "RUNNING" ? 1 : 0) }
            state.capacityCounters.peakRunning = max(state.capacityCounters.peakRunning, running)
            return state.capacity.bootDelay
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
    }

    /// Counts a delete that found its session.
    func countDeleted() { state.withLock { $0.capacityCounters.deleted += 1 } }
}

extension AgentBayFake {
    /// The boot delay and quota in force; set to change them.
    public var capacity: FakeCapacity {
        get { backend.state.withLock { $0.capacity } }
        set { backend.state.withLock { $0.capacity = newValue } }
    }

    /// CreateMcpSession requests refused over quota.
    public var quotaRefusals: Int { backend.state.withLock { $0.capacityCounters.refusals } }

    /// Most sessions RUNNING at once since start.
    public var peakRunningSessions: Int { backend.state.withLock { $0.capacityCounters.peakRunning } }

    /// Sessions created since start (added ones included).
    public var sessionsCreated: Int { backend.state.withLock { $0.created } }

    /// Deletes that found a running session since start.
    public var sessionsDeleted: Int { backend.state.withLock { $0.capacityCounters.deleted } }

    /// Sessions RUNNING now.
    public var runningSessions: Int {
        backend.state.withLock { $0.sessions.values.reduce(0) { $0 + ($1.status == "RUNNING" ? 1 : 0) } }
    }
}
