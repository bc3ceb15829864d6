import MCP
import Synchronization

/// One page of a `tools/list` answer, turned into ``ToolInfo``s one tool at a time: the reading thread hands each
/// item of `result.tools` over the moment it is parsed (``JSONItemSink``), so the answer's tree never exists whole
/// and each tool's own small tree is dropped once its compact schema is made. A 10,000-tool list then costs its
/// ``ToolInfo``s and the bytes being read, not a tree of the whole 9.4 MB answer beside them.
///
/// Made by ``MCPSession`` for each tools/list request, filled on the reading thread (or from the answer's array
/// when the server wrote `"id"` after `"result"`, too late to route the items here), read once the answer arrived.
final class ToolPage: JSONItemSink, Sendable {
    /// What the page holds once its answer is read.
    struct Contents {
        /// The tools in the server's order, up to the first item without a name.
        var tools: [ToolInfo] = []
        /// The 0-based place of the first item without a name (or not an object), if any.
        var unnamedItem: Int?
        /// Whether the answer's `result.tools` array came through ``take(_:)``.
        var received = false
        /// Items seen so far.
        fileprivate var count = 0
    }

    /// The server's name, stored in each tool.
    let server: String
    private let contents = Mutex(Contents())

    init(server: String) {
        self.server = server
    }

    var arrayPath: [String] { ["result", "tools"] }

    /// Whether the answer's `result.tools` array came through ``take(_:)``.
    var received: Bool { contents.withLock { $0.received } }

    func beginArray() {
        contents.withLock { $0 = Contents(received: true) }
    }

    func take(_ item: Value) {
        let skip = contents.withLock { $0.unnamedItem != nil }
        // Converted outside the lock: nobody reads the page before its answer is delivered.
        let tool = skip ? nil : ToolContent.toolInfo(listed: item, server: server)
        contents.withLock { page in
            defer { page.count += 1 }
            guard page.unnamedItem == nil else { return }
            if let tool { page.tools.append(tool) } else { page.unnamedItem = page.count }
        }
    }

    /// The tools read, handing them over (the page keeps none).
    func finish() -> Contents {
        contents.withLock { page in
            defer { page = Contents(received: page.received) }
            return page
        }
    }
}
