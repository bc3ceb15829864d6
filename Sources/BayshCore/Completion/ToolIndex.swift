import Foundation
import Synchronization

/// A session's tool list arranged for lookups on every keystroke: names sorted for prefix search, and each tool's
/// ``ToolSignature`` derived on first use and kept.
///
/// Build one when the tool list changes (`:refresh`, a reconnect), not per keystroke.
public final class ToolIndex: Sendable {
    /// The tools, sorted by the UTF-8 bytes of their names.
    public let tools: [ToolInfo]
    /// The first line of each tool's description, parallel to ``tools``, for completion lists.
    let summaries: [String]
    /// Each name as Tab inserts it (quoted when it holds spaces or quotes), parallel to ``tools``.
    let insertions: [String]
    private let positions: [String: Int]
    private let signatures = Mutex<[Int: ToolSignature]>([:])

    /// An index over `tools`. With duplicate names the first one wins.
    public init(_ tools: [ToolInfo]) {
        var seen = Set<String>()
        let unique = tools.filter { seen.insert($0.name).inserted }
        self.tools = unique.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        self.summaries = self.tools.map { tool in
            let line = tool.description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return TerminalText.truncated(line.trimmingCharacters(in: .whitespaces), toWidth: 72)
        }
        self.insertions = self.tools.map { ShellQuoting.word($0.name).text }
        var positions: [String: Int] = [:]
        for (index, tool) in self.tools.enumerated() { positions[tool.name] = index }
        self.positions = positions
    }

    /// No tools.
    public static let empty = ToolIndex([])

    /// The tool called `name`.
    public func tool(named name: String) -> ToolInfo? {
        positions[name].map { tools[$0] }
    }

    /// Every tool name, sorted.
    public var names: [String] { tools.map(\.name) }

    /// Positions in ``tools`` of the names that start with `prefix` (a binary search, then a walk over the hits).
    func positions(withPrefix prefix: String) -> Range<Int> {
        let key = Array(prefix.utf8)
        var low = 0
        var high = tools.count
        while low < high {
            let middle = (low + high) / 2
            if tools[middle].name.utf8.lexicographicallyPrecedes(key) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        var end = low
        while end < tools.count, tools[end].name.utf8.starts(with: key) { end += 1 }
        return low..<end
    }

    /// The names that start with `prefix`, sorted.
    public func names(withPrefix prefix: String) -> [String] {
        positions(withPrefix: prefix).map { tools[$0].name }
    }

    /// The signature of the tool called `name`, derived once.
    public func signature(for name: String) -> ToolSignature? {
        guard let position = positions[name] else { return nil }
        if let cached = signatures.withLock({ $0[position] }) { return cached }
        let signature = ToolSignature(tools[position])
        signatures.withLock { $0[position] = signature }
        return signature
    }
}
