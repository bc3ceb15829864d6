import Foundation

/// An incremental parser for `text/event-stream` bodies (the WHATWG Server-Sent Events format), fed bytes as they
/// arrive. Works on bytes, not `String`s, because Swift treats "\r\n" as one `Character` and lines may end in
/// "\r\n", "\n" or a lone "\r", split anywhere across chunks.
///
/// ```
/// event: message
/// id: 7
/// data: {"jsonrpc":"2.0",
/// data:  "id":1,"result":{}}
///
/// ```
/// gives one event whose data is the two `data:` values joined by "\n". Lines starting with ":" are comments
/// (servers send them as keep-alives).
struct ServerSentEvents {
    /// One dispatched event.
    struct Event: Equatable {
        /// `event:`; nil means the default type, `message`.
        var type: String?
        /// The `data:` lines joined by "\n".
        var data: Data
        /// The last `id:` seen so far in the stream.
        var lastEventId: String?
    }

    private var line: [UInt8] = []
    private var previousWasCR = false
    private var data: [UInt8] = []
    private var hasData = false
    private var type: String?
    private(set) var lastEventId: String?

    /// Consumes `chunk` and returns the events it completed.
    mutating func feed<Bytes: Sequence>(_ chunk: Bytes) -> [Event] where Bytes.Element == UInt8 {
        var events: [Event] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// The end of the body: an event still being assembled is dispatched (lenient: some servers close the stream
    /// right after the last `data:` line without the blank line).
    mutating func finish() -> [Event] {
        if !line.isEmpty { _ = endLine() }
        return dispatch().map { [$0] } ?? []
    }

    private mutating func endLine() -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = String(decoding: line[..<(colon ?? line.endIndex)], as: UTF8.self)
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = line[valueStart...]
        switch field {
        case "data":
            data.append(contentsOf: value)
            data.append(UInt8(ascii: "\n"))
            hasData = true
        case "event":
            type = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastEventId = String(decoding: value, as: UTF8.self) }
        default:
            break  // `retry:` and unknown fields
        }
        return nil
    }

    private mutating func dispatch() -> Event? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            type = nil
        }
        guard hasData else { return nil }
        data.removeLast()  // the "\n" after the last data line
        return Event(type: type.flatMap { $0.isEmpty ? nil : $0 }, data: Data(data), lastEventId: lastEventId)
    }
}
