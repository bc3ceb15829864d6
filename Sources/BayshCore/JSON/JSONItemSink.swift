import MCP

/// Takes the items of one array of a JSON message as ``JSONReader`` finishes each, so the array never holds them
/// all: a 10,000-tool `tools/list` answer becomes 10,000 small trees, each dropped once the sink has turned it into
/// what it keeps, rather than one tree of the whole answer.
protocol JSONItemSink: AnyObject {
    /// Member names from the top-level object down to the array (`["result", "tools"]`). Only an array at
    /// exactly this place goes to the sink; the message keeps an empty array there.
    var arrayPath: [String] { get }

    /// The array was found (called again should a message hold it twice; that message then fails to parse).
    func beginArray()

    /// The next item of the array, in order.
    func take(_ item: Value)
}
