import Foundation

/// What a fan-out run does: how many sessions (per image), how many at once, how long to wait for capacity, and
/// the run's id, which every session carries as the label `baysh-run=<id>` so leftovers can be found.
public struct FanoutPlan: Sendable, Equatable {
    /// `--fanout N`: sessions per image.
    public var count: Int
    /// `--parallel P`: sessions being created or replayed at once.
    public var parallel: Int
    /// `--images a,b` (AgentBay); `[nil]` for the backend's one kind of session.
    public var images: [String?]
    /// How long, from the start of the run, creation may keep waiting for a free slot (quota, throttling).
    public var creationDeadline: Duration
    /// The run's id: `r-` + 8 random letters and digits.
    public var runId: String

    /// The label key that names the run.
    public static let runLabel = "baysh-run"
    /// The label holding the run's start (Unix seconds): AgentBay's ListSession gives no creation time, and
    /// `baysh sessions --delete --older-than` needs one.
    public static let startedLabel = "baysh-started"
    /// Ten minutes: long enough for a quota to free up behind other runs, short enough that a run stuck behind a
    /// quota that never frees up ends on its own.
    public static let defaultCreationDeadline = Duration.seconds(600)

    public init(
        count: Int, parallel: Int? = nil, images: [String] = [], creationDeadline: Duration = defaultCreationDeadline,
        runId: String = FanoutPlan.newRunId()
    ) {
        self.count = count
        self.images = images.isEmpty ? [nil] : images.map { Optional($0) }
        // More slots than sessions would only size the connection pool for nothing.
        self.parallel = max(1, min(parallel ?? Self.defaultParallel(total: count * self.images.count),
            count * self.images.count))
        self.creationDeadline = creationDeadline
        self.runId = runId
    }

    /// Every session of the run.
    public var total: Int { count * images.count }

    /// The default for `--parallel`: min(N, 8). A replay spends its time waiting on the network or on a server
    /// process, so baysh's own cost per session is small; what the bound protects is the other side: eight stdio
    /// servers or local workspaces are a fair load for a laptop, and eight creates at once stay clear of the
    /// gateway's per-second throttling while the quota loop fills any further free slots as they come.
    public static func defaultParallel(total: Int) -> Int { max(1, min(total, 8)) }

    /// The sessions in order: all of the first image, then the next.
    public var slots: [FanoutSlot] {
        images.flatMap { image in (0..<count).map { _ in image } }.enumerated().map {
            FanoutSlot(index: $0.offset + 1, image: $0.element)
        }
    }

    /// The labels of every session of the run.
    public func labels(startedAt start: Date) -> [String: String] {
        [Self.runLabel: runId, Self.startedLabel: String(Int(start.timeIntervalSince1970))]
    }

    /// `r-` + 8 random lower-case letters and digits.
    public static func newRunId() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "r-" + String((0..<8).map { _ in alphabet.randomElement()! })
    }
}

/// One session of a run: its number (1-based, in the order of ``FanoutPlan/slots``) and image.
public struct FanoutSlot: Sendable, Equatable {
    public var index: Int
    public var image: String?
}
