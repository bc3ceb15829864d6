import MCP
import Synchronization

/// A piece of a tool schema as compact JSON (sorted keys), shared by every tool whose schema holds the same piece.
final class SchemaFragment: Sendable, Equatable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    /// The piece as a `Value`. It was written by ``JSONText/encode(_:asciiOnly:)`` from a tree no deeper than the
    /// reader takes, so it reads back; `null` stands in should that ever not hold.
    var value: Value {
        (try? JSONText.parse(text).get()) ?? .null
    }

    static func == (left: SchemaFragment, right: SchemaFragment) -> Bool {
        left === right || left.text == right.text
    }
}

/// The pool that makes equal schema pieces one ``SchemaFragment``. Pieces no tool holds any more are dropped
/// whenever the pool has doubled since it last looked, so a list fetched again (`:refresh`) does not pile up.
final class SchemaFragments: Sendable {
    /// The pool every ``ToolInfo`` uses.
    static let shared = SchemaFragments()

    private struct State {
        var fragments: [String: SchemaFragment] = [:]
        /// The size at which unused pieces are looked for next.
        var sweepAt = SchemaFragments.smallestSweep
    }

    private static let smallestSweep = 4096
    private let state = Mutex(State())

    /// The shared piece for `text`.
    func fragment(_ text: String) -> SchemaFragment {
        state.withLock { state in
            if let known = state.fragments[text] { return known }
            if state.fragments.count >= state.sweepAt {
                Self.dropUnused(&state.fragments)
                state.sweepAt = max(Self.smallestSweep, state.fragments.count * 2)
            }
            // Text built by appending can hold twice its length; the copy the pool keeps holds just the text.
            let exact = String(decoding: Array(text.utf8), as: UTF8.self)
            let fragment = SchemaFragment(exact)
            state.fragments[exact] = fragment
            return fragment
        }
    }

    /// How many distinct pieces the pool holds.
    var count: Int { state.withLock { $0.fragments.count } }

    /// Drops the pieces only the pool holds, now rather than when it next doubles.
    func sweep() {
        state.withLock { Self.dropUnused(&$0.fragments) }
    }

    private static func dropUnused(_ fragments: inout [String: SchemaFragment]) {
        for key in Array(fragments.keys) {
            guard var fragment = fragments.removeValue(forKey: key) else { continue }
            // Taken out of the pool, the piece is held by `fragment` alone unless some tool still holds it.
            if !isKnownUniquelyReferenced(&fragment) { fragments[key] = fragment }
        }
    }
}
