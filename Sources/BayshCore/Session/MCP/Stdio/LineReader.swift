import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads newline-delimited JSON-RPC messages from a file descriptor with blocking `read(2)` calls, for a thread of
/// its own. Lines go straight from the kernel into one growable buffer; each message is copied out once, and a large
/// message that fills the buffer exactly is handed over without any copy.
struct LineReader {
    /// The file descriptor read from (a pipe, a socket or stdin; left in blocking mode).
    let descriptor: Int32
    /// The longest line accepted; a longer one ends the stream, since a peer that never sends a newline would
    /// otherwise grow the buffer without bound.
    let maxLineBytes: Int
    /// Who writes the lines, for error messages (`MCP server 'npx foo'`, `the MCP client`).
    let peer: String
    /// Told after every read, for other threads to see a message stuck half-read.
    var progress: ReadProgress? = nil

    private static let initialCapacity = 64 * 1024
    /// Lines this big are handed over zero-copy when they end exactly at the end of the buffer.
    private static let handOverThreshold = 1024 * 1024

    /// Reads until end of file, a read error, a line over ``maxLineBytes`` or a line that is not JSON, giving each
    /// non-blank line to `deliver`. Returns why reading stopped.
    func run(deliver: (Data) -> Void) -> SessionError {
        var capacity = Self.initialCapacity
        guard var buffer = malloc(capacity) else { return .transport("out of memory reading from \(peer)") }
        defer { free(buffer) }
        var start = 0  // first byte of the line being assembled
        var scanned = 0  // bytes before this hold no newline
        var filled = 0  // bytes in the buffer

        while true {
            // Find and deliver every complete line already in the buffer.
            while scanned < filled,
                let hit = memchr(buffer + scanned, Int32(UInt8(ascii: "\n")), filled - scanned)
            {
                let newline = buffer.distance(to: hit)
                let length = newline - start
                if let problem = Self.checkFrame(buffer + start, count: length, peer: peer) {
                    return problem
                }
                if length > 0 && Self.hasContent(buffer + start, count: length) {
                    if start == 0 && newline + 1 == filled && length >= Self.handOverThreshold {
                        guard let fresh = malloc(Self.initialCapacity) else {
                            return .transport("out of memory reading from \(peer)")
                        }
                        deliver(Data(bytesNoCopy: buffer, count: length, deallocator: .free))
                        buffer = fresh
                        capacity = Self.initialCapacity
                        start = 0
                        scanned = 0
                        filled = 0
                        break
                    }
                    deliver(Data(bytes: buffer + start, count: length))
                }
                start = newline + 1
                scanned = start
            }
            scanned = filled
            if start == filled {
                start = 0
                scanned = 0
                filled = 0
            }
            if filled - start > maxLineBytes {
                return .protocolViolation(
                    "\(peer) sent a message longer than \(maxLineBytes / (1024 * 1024)) MB without a newline")
            }

            // Make room: move a partial line to the front, or grow for a long one.
            if capacity - filled < Self.initialCapacity / 4 {
                if start > 0 {
                    memmove(buffer, buffer + start, filled - start)
                    filled -= start
                    scanned -= start
                    start = 0
                } else {
                    let grown = min(capacity * 2, maxLineBytes + Self.initialCapacity)
                    guard grown > capacity, let moved = realloc(buffer, grown) else {
                        return .protocolViolation(
                            "\(peer) sent a message longer than \(maxLineBytes / (1024 * 1024)) MB")
                    }
                    buffer = moved
                    capacity = grown
                }
            }

            let count = read(descriptor, buffer + filled, capacity - filled)
            if count > 0 {
                if let progress {
                    // Earlier lines were all delivered: what follows the last newline of this read is unfinished
                    // (only the new bytes are searched, so a long message does not cost a rescan per read).
                    let lastNewline = Self.lastNewline(in: buffer + filled, count: count).map { filled + $0 }
                    progress.arrived(unfinishedBytes: filled + count - (lastNewline.map { $0 + 1 } ?? start))
                }
                filled += count
            } else if count == 0 {
                progress?.endOfFile()
                if filled > start {
                    return .protocolViolation(
                        "\(peer) closed its output in the middle of a message (\(filled - start) bytes)")
                }
                return .transport("\(peer) closed its output")
            } else if errno != EINTR {
                let reason = String(cString: strerror(errno))
                return .transport("reading from \(peer) failed: \(reason)")
            }
        }
    }

    /// A line must be a JSON object or array (a batch); anything else is a server printing to stdout, which would
    /// otherwise be dropped silently while the call waits for its answer.
    private static func checkFrame(_ bytes: UnsafeMutableRawPointer, count: Int, peer: String) -> SessionError? {
        let view = UnsafeRawBufferPointer(start: bytes, count: count)
        guard let first = view.first(where: { !isBlank($0) }) else { return nil }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return nil }
        return notJSONRPC(view.prefix(excerptBytes + 1), peer: peer)
    }

    /// How much of a line that is not JSON-RPC its error quotes.
    static let excerptBytes = 200

    /// The error for a line that is not JSON-RPC, quoting `line` (its first ``excerptBytes``, plus one more byte if
    /// the line is longer, which shows as an ellipsis).
    static func notJSONRPC(_ line: some Collection<UInt8>, peer: String) -> SessionError {
        let excerpt = String(decoding: line.prefix(excerptBytes), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return .protocolViolation(
            "\(peer) wrote a line that is not JSON-RPC: '\(Redactor.shared.redact(excerpt))'"
                + (line.count > excerptBytes ? "…" : ""))
    }

    /// The offset of the last newline in `count` bytes, hopping from newline to newline with `memchr` (Glibc's
    /// `memrchr` is hidden behind _GNU_SOURCE).
    static func lastNewline(in bytes: UnsafeMutableRawPointer, count: Int) -> Int? {
        var last: Int?
        var offset = 0
        while offset < count, let hit = memchr(bytes + offset, Int32(UInt8(ascii: "\n")), count - offset) {
            last = bytes.distance(to: hit)
            offset = last! + 1
        }
        return last
    }

    private static func hasContent(_ bytes: UnsafeMutableRawPointer, count: Int) -> Bool {
        UnsafeRawBufferPointer(start: bytes, count: count).contains { !isBlank($0) }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
