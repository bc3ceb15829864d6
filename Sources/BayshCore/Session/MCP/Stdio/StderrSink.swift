import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where ``StderrTail`` copies a server's stderr, made safe against a server that logs without end or writes
/// escape sequences: on the terminal its control characters are spelled out (``VisibleTextStream``); a log file is
/// capped at ``logLimit`` bytes and then rotated to `FILE.1` (replacing the previous one), so a noisy server
/// costs at most twice the limit on disk however long it runs or however often it is started.
final class StderrSink: Sendable {
    /// How big a server log file grows before it is rotated.
    static let logLimit = 10 * 1024 * 1024

    private enum Target {
        case discard
        case terminal(VisibleTextStream)
        case file(path: String, descriptor: Int32, size: Int)
    }

    private let target: Mutex<Target>
    private let limit: Int

    private init(_ target: Target, limit: Int) {
        self.target = Mutex(target)
        self.limit = limit
    }

    /// Opens `destination`; a log file is opened without following a symlink, and rotated at once when a run
    /// before this one already filled it.
    static func open(_ destination: StderrDestination, limit: Int = logLimit) throws -> StderrSink {
        switch destination {
        case .discard: return StderrSink(.discard, limit: limit)
        case .terminal: return StderrSink(.terminal(VisibleTextStream()), limit: limit)
        case .file(let path):
            let descriptor = try openLog(path, truncating: false)
            var info = stat()
            let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
            let sink = StderrSink(.file(path: path, descriptor: descriptor, size: size), limit: limit)
            if size >= limit { sink.rotate() }
            return sink
        }
    }

    private static func openLog(_ path: String, truncating: Bool) throws -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | (truncating ? O_TRUNC : 0)
        let descriptor = Glibc.open(path, flags, 0o644)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "it is a symlink" : String(cString: strerror(errno))
            throw SessionError.configuration("cannot open the server log file '\(path)': \(reason)")
        }
        return descriptor
    }

    /// Copies `bytes` on: spelled out to the terminal, or appended to the log (rotating it when full).
    func write(_ bytes: UnsafeRawBufferPointer) {
        target.withLock { target in
            switch target {
            case .discard:
                return
            case .terminal(var stream):
                let printable = stream.feed(bytes)
                target = .terminal(stream)
                printable.withUnsafeBytes { _ = DescriptorWrite.all($0, to: STDERR_FILENO) }
            case .file(let path, let descriptor, let size):
                _ = DescriptorWrite.all(bytes, to: descriptor)
                target = .file(path: path, descriptor: descriptor, size: size + bytes.count)
            }
        }
        rotateIfFull()
    }

    /// Ends the copy: what the terminal stream held back is printed, a log file closed.
    func close() {
        target.withLock { target in
            switch target {
            case .discard: return
            case .terminal(var stream):
                let rest = stream.finish()
                rest.withUnsafeBytes { _ = DescriptorWrite.all($0, to: STDERR_FILENO) }
            case .file(_, let descriptor, _):
                Glibc.close(descriptor)
            }
            target = .discard
        }
    }

    private func rotateIfFull() {
        let full = target.withLock { target -> Bool in
            if case .file(_, _, let size) = target { return size >= limit }
            return false
        }
        if full { rotate() }
    }

    /// `FILE` becomes `FILE.1` and a new `FILE` is started. When the new file cannot be opened, copying stops
    /// (the last lines are still kept for error messages).
    private func rotate() {
        target.withLock { target in
            guard case .file(let path, let descriptor, _) = target else { return }
            Glibc.close(descriptor)
            _ = rename(path, path + ".1")
            if let fresh = try? Self.openLog(path, truncating: true) {
                target = .file(path: path, descriptor: fresh, size: 0)
            } else {
                target = .discard
            }
        }
    }
}
