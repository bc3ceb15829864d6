import Foundation
import Synchronization

/// A session's tool list arranged for lookups on every keystroke: names sorted for prefix search, and the
/// ``ToolSignature``s of the few tools last completed or hinted.
///
/// Build one when the tool list changes (`:refresh`, a reconnect), not per keystroke. It keeps the list it was given
/// (shared with the session's cache, not copied) and only a sorted order of positions beside it; everything a
/// tool's arguments need is derived when that tool is first completed, for the last ``recentSignatures`` tools.
public final class ToolIndex: Sendable {
    /// The list as given, duplicates included.
    private let listed: [ToolInfo]
    /// Positions in ``listed`` of the first tool of each name, sorted by the UTF-8 bytes of the names.
    private let order: [Int32]
    /// Positions in the sorted order whose names Tab must quote (spaces, quotes): few or none, so a set rather
    /// than a column of insertions.
    private let quotedNames: Set<Int32>
    /// Names listed more than once, each with how many times, sorted: the shell reports them.
    public let duplicates: [(name: String, count: Int)]
    private let signatures = Mutex(RecentSignatures(capacity: ToolIndex.recentSignatures))

    /// How many tools' signatures are kept: the tool being typed and a few it alternates with.
    static let recentSignatures = 8

    /// An index over `tools`. With duplicate names the first one wins.
    public init(_ tools: [ToolInfo]) {
        listed = tools
        var order = Array(tools.indices)
        order.sort { left, right in
            let (leftName, rightName) = (tools[left].name.utf8, tools[right].name.utf8)
            if leftName.elementsEqual(rightName) { return left < right }
            return leftName.lexicographicallyPrecedes(rightName)
        }
        var unique: [Int32] = []
        unique.reserveCapacity(order.count)
        var duplicates: [(name: String, count: Int)] = []
        for position in order {
            if let last = unique.last, tools[Int(last)].name == tools[position].name {
                if duplicates.last?.name == tools[position].name {
                    duplicates[duplicates.count - 1].count += 1
                } else {
                    duplicates.append((tools[position].name, 2))
                }
                continue
            }
            unique.append(Int32(position))
        }
        self.order = unique
        self.duplicates = duplicates
        quotedNames = Set(unique.indices.lazy.filter { ShellQuoting.word(tools[Int(unique[$0])].name).quoted }
            .map { Int32($0) })
    }

    /// No tools.
    public static let empty = ToolIndex([])

    /// The warning for names listed more than once, or nil: a server listing two tools under one name makes
    /// every call to it ambiguous, so the user is told which one is used.
    public var duplicatesWarning: String? {
        guard !duplicates.isEmpty else { return nil }
        let names = duplicates.prefix(10).map { "'\($0.name)' (\($0.count) times)" }.joined(separator: ", ")
        let more = duplicates.count > 10 ? " and \(duplicates.count - 10) more" : ""
        return "the server lists tools under the same name: \(names)\(more); the first of each is the one "
            + "completed, described and checked against\n"
    }

    /// The tools, sorted by the UTF-8 bytes of their names. A new array on each read: prefer ``count`` and
    /// ``tool(named:)``.
    public var tools: [ToolInfo] { order.map { listed[Int($0)] } }

    /// How many tools (with distinct names) there are.
    public var count: Int { order.count }

    /// The tool at `position` of the sorted order.
    func tool(at position: Int) -> ToolInfo { listed[Int(order[position])] }

    /// The name of the tool at `position` of the sorted order.
    func name(at position: Int) -> String { listed[Int(order[position])].name }

    /// The tool called `name`.
    public func tool(named name: String) -> ToolInfo? {
        position(of: name).map(tool(at:))
    }

    /// Every tool name, sorted.
    public var names: [String] { order.map { listed[Int($0)].name } }

    /// The position of the first name not below `key`, by a binary search.
    private func lowerBound(_ key: some Collection<UInt8>) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if name(at: middle).utf8.lexicographicallyPrecedes(key) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    private func position(of name: String) -> Int? {
        let position = lowerBound(name.utf8)
        return position < order.count && self.name(at: position) == name ? position : nil
    }

    /// Positions in the sorted order of the names that start with `prefix` (a binary search, then a walk over the
    /// hits).
    func positions(withPrefix prefix: String) -> Range<Int> {
        let key = Array(prefix.utf8)
        let low = lowerBound(key)
        var end = low
        while end < order.count, name(at: end).utf8.starts(with: key) { end += 1 }
        return low..<end
    }

    /// The names that start with `prefix`, sorted.
    public func names(withPrefix prefix: String) -> [String] {
        positions(withPrefix: prefix).map(name(at:))
    }

    /// The first line of the description of the tool at `position`, cut to fit a completion list. Derived on each
    /// call (Tab on a short prefix lists thousands), so the common case, a plain ASCII line, is read as bytes.
    func summary(at position: Int) -> String {
        let description = tool(at: position).description
        if let plain = description.utf8.withContiguousStorageIfAvailable(Self.plainFirstLine) ?? nil { return plain }
        let line = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return TerminalText.truncated(line.trimmingCharacters(in: .whitespaces), toWidth: Self.summaryWidth)
    }

    private static let summaryWidth = 72

    /// The first non-empty line of `bytes`, trimmed and cut like ``summary(at:)``, when it is printable ASCII (one
    /// column per byte) after nothing but ASCII line breaks; nil otherwise.
    private static func plainFirstLine(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let lineBreaks: ClosedRange<UInt8> = 0x0A...0x0D
        var start = 0
        while start < bytes.count, lineBreaks.contains(bytes[start]) { start += 1 }
        var end = start
        while end < bytes.count, !lineBreaks.contains(bytes[end]) {
            guard (0x20...0x7E).contains(bytes[end]) else { return nil }
            end += 1
        }
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        guard end - start > summaryWidth else {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        let cut = UnsafeBufferPointer(rebasing: bytes[start..<start + summaryWidth - 1])
        return String(decoding: cut, as: UTF8.self) + "…"
    }

    /// The name of the tool at `position` as Tab inserts it (quoted when it holds spaces or quotes).
    func insertion(at position: Int) -> String {
        quotedNames.contains(Int32(position)) ? ShellQuoting.word(name(at: position)).text : name(at: position)
    }

    /// The signature of the tool called `name`: derived on first use and kept while the tool is among the last
    /// ``recentSignatures`` asked for.
    public func signature(for name: String) -> ToolSignature? {
        guard let position = position(of: name) else { return nil }
        if let cached = signatures.withLock({ $0.signature(at: position) }) { return cached }
        let signature = ToolSignature(tool(at: position))
        signatures.withLock { $0.keep(signature, at: position) }
        return signature
    }

    /// The positions whose signatures are kept, most recently used first (for tests).
    var keptSignatures: [Int] { signatures.withLock { $0.positions } }
}
