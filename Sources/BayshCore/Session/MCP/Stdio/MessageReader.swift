import MCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads newline-delimited JSON-RPC messages from a file descriptor with blocking `read(2)` calls, for a thread of
/// its own, and parses each into a `Value` as its bytes arrive: a 64 KB buffer is refilled when used up, so no line
/// is ever assembled and a 100 MB text result exists once, as its string, rather than also as a 100 MB line.
///
/// The framing is the same as ``LineReader``'s: a message is one line; blank lines are skipped; a line that does
/// not start like JSON (a server printing to stdout) ends the stream with an error quoting it, since its messages
/// would otherwise be lost while a call waits; a line longer than the limit ends it too. A line that starts like
/// JSON but does not parse is reported to ``Delegate/malformed(id:problem:)`` and reading goes on at the next line.
struct MessageReader {
    /// What the reader tells its owner, on the reading thread.
    struct Delegate {
        /// Asked with a message's `"id"` as soon as it is read: who takes the items of its tool list as each is
        /// read (a tools/list answer), or nil.
        var itemSink: (Value) -> JSONItemSink? = { _ in nil }
        /// A whole message.
        var deliver: (Value) -> Void
        /// A line that starts like JSON but does not parse, with its `"id"` if that much was read.
        var malformed: (_ id: Value?, _ problem: String) -> Void
    }

    /// The file descriptor read from (a pipe; left in blocking mode).
    let descriptor: Int32
    /// The longest line accepted: a peer that never sends a newline must not grow memory without bound.
    let maxMessageBytes: Int
    /// Who writes the lines, for error messages (`MCP server 'npx foo'`).
    let peer: String
    /// Told after every read, for other threads to see a message stuck half-read.
    var progress: ReadProgress? = nil

    static let bufferBytes = 64 * 1024

    /// Reads until end of file, a read error, a line over ``maxMessageBytes`` or a line that is not JSON. Returns
    /// why reading stopped.
    func run(_ delegate: Delegate) -> SessionError {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Self.bufferBytes)
        defer { buffer.deallocate() }
        let input = PipeInput(
            descriptor: descriptor, buffer: buffer, limit: maxMessageBytes, progress: progress)
        var reader = JSONReader(input: input, window: UnsafeBufferPointer(rebasing: buffer[0..<0]))
        reader.itemSinkForMessage = delegate.itemSink
        while true {
            // Between messages: blank lines and blanks.
            while let byte = reader.peek(), Self.isBlank(byte) || byte == UInt8(ascii: "\n") {
                reader.position += 1
                if byte == UInt8(ascii: "\n") { reader.input.lineStart = reader.offset }
            }
            reader.input.lineStart = reader.offset
            guard let first = reader.peek() else { return stopped(reader.input) }
            guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return notJSON(&reader) }
            reader.beginMessage()
            do throws(JSONText.SyntaxError) {
                let message = try reader.readValue(depth: 0)
                reader.itemSink = nil
                while let byte = reader.peek(), Self.isBlank(byte) { reader.position += 1 }
                if let byte = reader.peek(), byte != UInt8(ascii: "\n") {
                    throw reader.failure("unexpected text after the JSON message")
                }
                delegate.deliver(message)
            } catch {
                reader.itemSink = nil
                if reader.input.stop != nil { return stopped(reader.input) }
                let lineOffset = error.offset - reader.input.lineStart
                delegate.malformed(reader.messageID, "\(error.message) (at byte \(lineOffset + 1) of the line)")
                // The stream is back in step after the next newline.
                while let byte = reader.peek(), byte != UInt8(ascii: "\n") { reader.position += 1 }
                if reader.input.stop != nil { return stopped(reader.input) }
            }
        }
    }

    /// Why ``PipeInput`` gave no more bytes.
    private func stopped(_ input: PipeInput) -> SessionError {
        switch input.stop {
        case .tooLong:
            return .protocolViolation(
                "\(peer) sent a message longer than \(maxMessageBytes / (1024 * 1024)) MB without a newline")
        case .failed(let reason):
            return .transport("reading from \(peer) failed: \(reason)")
        case .endOfFile, nil:
            let unfinished = input.received - input.lineStart
            if unfinished > 0 {
                return .protocolViolation(
                    "\(peer) closed its output in the middle of a message (\(unfinished) bytes)")
            }
            return .transport("\(peer) closed its output")
        }
    }

    /// The error for a line that does not start like JSON, quoting its first 200 bytes (read up to its newline or
    /// the 201st byte, whichever comes first).
    private func notJSON(_ reader: inout JSONReader<PipeInput>) -> SessionError {
        var excerpt: [UInt8] = []
        while excerpt.count <= LineReader.excerptBytes, let byte = reader.peek(), byte != UInt8(ascii: "\n") {
            excerpt.append(byte)
            reader.position += 1
        }
        return LineReader.notJSONRPC(excerpt, peer: peer)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}

/// A pipe as a ``JSONInput``: blocking reads into one buffer, which also keeps ``ReadProgress`` up to date and
/// enforces the longest line.
struct PipeInput: JSONInput {
    enum Stop: Equatable {
        case endOfFile
        case failed(String)
        case tooLong
    }

    static var newlineEndsMessage: Bool { true }

    let descriptor: Int32
    let buffer: UnsafeMutableBufferPointer<UInt8>
    let limit: Int
    let progress: ReadProgress?
    /// Why the input ended, once it has.
    private(set) var stop: Stop?
    /// Bytes read so far.
    private(set) var received = 0
    /// Where the current line began, in bytes from the start (set by the reader at each message).
    var lineStart = 0
    /// Bytes in the buffer (the reader's window).
    private var filled = 0
    /// Bytes received since the last newline: a message not finished yet, for ``ReadProgress``.
    private var sinceNewline = 0

    init(descriptor: Int32, buffer: UnsafeMutableBufferPointer<UInt8>, limit: Int, progress: ReadProgress?) {
        self.descriptor = descriptor
        self.buffer = buffer
        self.limit = limit
        self.progress = progress
    }

    mutating func next(keeping: Int) -> UnsafeBufferPointer<UInt8>? {
        guard stop == nil else { return nil }
        if received - lineStart > limit {
            stop = .tooLong
            return nil
        }
        precondition(keeping < buffer.count, "a reader kept more than the buffer holds")
        let base = buffer.baseAddress!
        if keeping > 0 { memmove(base, base + filled - keeping, keeping) }
        filled = keeping
        while true {
            let count = read(descriptor, base + filled, buffer.count - filled)
            if count > 0 {
                if let progress {
                    let newline = LineReader.lastNewline(in: UnsafeMutableRawPointer(base + filled), count: count)
                    sinceNewline = newline.map { count - $0 - 1 } ?? sinceNewline + count
                    progress.arrived(unfinishedBytes: sinceNewline)
                }
                filled += count
                received += count
                return UnsafeBufferPointer(rebasing: buffer[0..<filled])
            }
            if count == 0 {
                progress?.endOfFile()
                stop = .endOfFile
                return nil
            }
            if errno != EINTR {
                stop = .failed(String(cString: strerror(errno)))
                return nil
            }
        }
    }
}
