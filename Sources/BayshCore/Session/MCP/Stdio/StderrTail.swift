import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a spawned MCP server's stderr goes. Servers log there (the Python SDK a line per request), so it must not
/// reach the line editor's screen unless asked for; whatever the destination, baysh keeps the last lines for error
/// messages.
public enum StderrDestination: Sendable, Equatable {
    /// baysh's own stderr (the terminal), control characters spelled out.
    case terminal
    /// Appended to this file, created if missing (never through a symlink), rotated to `FILE.1` past 10 MB.
    case file(String)
    /// Dropped (only the last lines are kept).
    case discard
}

/// The last lines a server wrote to stderr, for ``SessionError/serverExited(command:status:stderrTail:)``. It reads
/// the stderr pipe on a thread of its own, copies everything to the destination, and keeps a ring of lines.
final class StderrTail: Sendable {
    /// How many lines an error message shows.
    static let lineLimit = 20
    /// Longer lines are cut: a server dumping a megabyte of JSON on one line must not flood an error message.
    static let lineLengthLimit = 400

    private struct Ring {
        var lines: [String] = []
        var partial: [UInt8] = []
    }

    private let ring = Mutex(Ring())
    private let drained = DispatchSemaphore(value: 0)

    /// Starts the reading thread on `descriptor` (closed when the pipe ends), copying to `sink` (closed then too).
    func start(reading descriptor: Int32, copyingTo sink: StderrSink) {
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                chunk.withUnsafeBytes { sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                self.absorb(chunk[0..<count])
            }
            close(descriptor)
            sink.close()
            self.absorb([UInt8(ascii: "\n")][...])
            self.drained.signal()
        }
        thread.name = "baysh-mcp-stderr"
        thread.start()
    }

    /// The last lines, secrets masked.
    var lines: [String] {
        ring.withLock { $0.lines }.map { Redactor.shared.redact($0) }
    }

    /// Waits until the pipe has ended (the server and everything it started closed stderr), at most `timeout`.
    func waitUntilDrained(timeout: Duration) -> Bool {
        let millis = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ok = drained.wait(timeout: .now() + .milliseconds(millis)) == .success
        if ok { drained.signal() }
        return ok
    }

    /// Adds `bytes` to the ring, jumping from newline to newline with `memchr`: a server may log megabytes a
    /// second, and only the first ``lineLengthLimit`` bytes of each line are ever kept.
    private func absorb(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            ring.withLock { ring in
                var offset = 0
                while offset < raw.count {
                    let hit = memchr(base + offset, Int32(UInt8(ascii: "\n")), raw.count - offset)
                    let end = hit.map { base.distance(to: UnsafeRawPointer($0)) } ?? raw.count
                    let room = Self.lineLengthLimit - ring.partial.count
                    if room > 0 {
                        ring.partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[offset..<min(end, offset + room)]))
                    }
                    guard hit != nil else { break }
                    if !ring.partial.isEmpty {
                        var line = String(decoding: ring.partial, as: UTF8.self)
                        if line.hasSuffix("\r") { line.removeLast() }
                        ring.lines.append(line)
                        if ring.lines.count > Self.lineLimit { ring.lines.removeFirst() }
                        ring.partial.removeAll(keepingCapacity: true)
                    }
                    offset = end + 1
                }
            }
        }
    }
}
