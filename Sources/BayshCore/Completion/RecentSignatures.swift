/// The signatures of the tools last asked for, most recent first; the oldest goes when a new one comes.
struct RecentSignatures {
    let capacity: Int
    private var entries: [(position: Int, signature: ToolSignature)] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The kept signature for `position`, which becomes the most recent.
    mutating func signature(at position: Int) -> ToolSignature? {
        guard let index = entries.firstIndex(where: { $0.position == position }) else { return nil }
        let entry = entries.remove(at: index)
        entries.insert(entry, at: 0)
        return entry.signature
    }

    mutating func keep(_ signature: ToolSignature, at position: Int) {
        entries.removeAll { $0.position == position }
        entries.insert((position, signature), at: 0)
        if entries.count > capacity { entries.removeLast(entries.count - capacity) }
    }

    var positions: [Int] { entries.map(\.position) }
}
