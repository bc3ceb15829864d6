import CBayshLinux
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The writing half of ``PipeTransport``: lines go out in order without ever blocking a thread of Swift's
/// concurrency pool.
///
/// A peer that stops reading fills the pipe, and a blocking write would then hold its thread forever: on a 2-core
/// pool two such calls freeze every task, deadlines and Ctrl-C included. So the descriptor is only written when
/// `poll` says it has room (or when it is non-blocking), and whatever does not fit at once is finished by a thread of
/// the writer's own, which waits in `poll` on the descriptor and on a wake-up pipe. ``close(_:)`` wakes it, fails
/// every pending line with the reason, and the thread then closes the descriptor if it owns it.
///
/// The common case, a line that fits, is written at once by the caller with one system call and no thread hop.
final class PipeWriter: Sendable {
    /// What to do when a line has been written whole (nil) or has failed.
    typealias Completion = @Sendable (SessionError?) -> Void

    private final class Line: @unchecked Sendable {
        // Touched by one owner at a time: the caller until queued, then the writer thread under `busy`.
        let data: Data
        var sent = 0
        let completion: Completion

        init(data: Data, sent: Int, completion: @escaping Completion) {
            self.data = data
            self.sent = sent
            self.completion = completion
        }
    }

    private struct State {
        var queue: [Line] = []
        /// Someone (a caller writing inline, or the thread) is writing to the descriptor.
        var busy = false
        var started = false
        /// ``close(_:)`` has run.
        var closing = false
        var descriptorsOpen = true
        /// Set once: later lines fail with it at once.
        var failure: SessionError?
    }

    /// Bytes a blocking descriptor takes without blocking once `poll` reports room (POSIX `PIPE_BUF`).
    private static let atomicChunk = 4096

    private let descriptor: Int32
    private let closesDescriptor: Bool
    private let peer: String
    private let state = Mutex(State())
    private let ready = NSCondition()
    private let wake: (read: Int32, write: Int32)
    private let nonBlocking: Bool

    /// - Parameters:
    ///   - descriptor: Written to. Switched to non-blocking mode only when the writer owns it (`closesDescriptor`),
    ///     since a shared descriptor (stdout on a terminal) must keep its mode for the other processes using it.
    ///   - closesDescriptor: Close it when the writer stops.
    init(descriptor: Int32, closesDescriptor: Bool, peer: String) {
        self.descriptor = descriptor
        self.closesDescriptor = closesDescriptor
        self.peer = peer
        var ends: [Int32] = [-1, -1]
        if bayshlinux_pipe_cloexec(&ends) != 0 {
            let reason = String(cString: strerror(errno))
            state.withLock {
                $0.failure = .transport("cannot create the wake-up pipe for writing to \(peer): \(reason)")
            }
        }
        wake = (ends[0], ends[1])
        var flags = fcntl(descriptor, F_GETFL)
        if closesDescriptor, flags >= 0, flags & O_NONBLOCK == 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 {
            flags |= O_NONBLOCK
        }
        nonBlocking = flags >= 0 && flags & O_NONBLOCK != 0
    }

    /// Starts the writer thread; lines given before are refused. Throws when the writer could not be set up or
    /// is already closed.
    func start() throws {
        let first = try state.withLock { state -> Bool in
            if let failure = state.failure { throw failure }
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        let thread = Thread { [self] in run() }
        thread.name = "baysh-mcp-write"
        thread.start()
    }

    /// Queues `data` and a newline; `completion` runs once, when it is written or has failed (possibly before this
    /// returns). Throws, and never calls `completion`, when the writer is not started or already closed.
    func post(_ data: Data, completion: @escaping Completion) throws {
        let inline = try state.withLock { state -> Bool in
            if let failure = state.failure { throw failure }
            guard state.started else { throw SessionError.transport("not connected to \(peer)") }
            guard !state.busy, state.queue.isEmpty else {
                state.queue.append(Line(data: data, sent: 0, completion: completion))
                return false
            }
            state.busy = true
            return true
        }
        guard inline else {
            // Whoever is busy takes the line next; the signal matters only when the thread may be asleep.
            signal()
            return
        }
        let line = Line(data: data, sent: 0, completion: completion)
        let outcome = writeAvailable(line)
        let (finished, wakeThread) = state.withLock { state -> (Bool, Bool) in
            state.busy = false
            if case .failed(let error) = outcome, state.failure == nil { state.failure = error }
            if case .more = outcome, state.failure == nil {
                // Lines queued meanwhile come after this one.
                state.queue.insert(line, at: 0)
                return (false, true)
            }
            return (true, !state.queue.isEmpty || state.failure != nil)
        }
        // The thread sleeps on the condition; waking it for nothing would cost two context switches per line.
        if wakeThread { signal() }
        guard finished else { return }
        switch outcome {
        case .done: completion(nil)
        case .failed(let error): completion(error)
        case .more: completion(state.withLock { $0.failure })
        }
    }

    /// Writes `data` and a newline, suspending (not blocking) until it is out. Cancelling the task ends the wait
    /// with `CancellationError`; the line is still written whole, so the stream stays in step.
    func write(_ data: Data) async throws {
        let waiter = Waiter()
        // Post before suspending: a line that fits in the pipe is written right here, and then the task need not
        // suspend and be scheduled again (that hop cost a fifth of `baysh serve`'s answer rate).
        do {
            try post(data) { error in waiter.finish(error.map { .failure($0) } ?? .success(())) }
        } catch {
            waiter.finish(.failure(error))
        }
        if let early = waiter.takeIfDone() { return try early.get() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Swift.Error>) in
                waiter.wait(continuation)
            }
        } onCancel: {
            waiter.finish(.failure(CancellationError()))
        }
    }

    /// Stops writing: pending lines fail with `reason`, later ones at once, and the thread ends (closing the
    /// descriptor if the writer owns it). A line half-written stays half-written; the connection is over anyway.
    func close(_ reason: SessionError) {
        let (pending, first, started) = state.withLock { state -> ([Line], Bool, Bool) in
            let first = !state.closing
            state.closing = true
            if state.failure == nil { state.failure = reason }
            defer { state.queue.removeAll() }
            if first, state.started, state.descriptorsOpen {
                // Under the lock: the thread closes the wake-up pipe under it too, so the number cannot be reused.
                var byte: UInt8 = 1
                _ = Glibc.write(wake.write, &byte, 1)
            }
            return (state.queue, first, state.started)
        }
        guard first else { return }
        if started { signal() } else { finishDescriptors() }
        for line in pending { line.completion(reason) }
    }

    private func signal() {
        ready.lock()
        ready.broadcast()
        ready.unlock()
    }

    /// The thread: takes the first queued line whenever nobody else is writing, and finishes it.
    private func run() {
        while true {
            ready.lock()
            var next: Line?
            var stop = false
            while true {
                (next, stop) = state.withLock { state -> (Line?, Bool) in
                    if state.failure != nil { return (nil, !state.busy) }
                    guard !state.busy, !state.queue.isEmpty else { return (nil, false) }
                    state.busy = true
                    return (state.queue.removeFirst(), false)
                }
                if next != nil || stop { break }
                ready.wait()
            }
            ready.unlock()
            guard let line = next else { break }
            let outcome = writeAll(line)
            let (failure, rest) = state.withLock { state -> (SessionError?, [Line]) in
                state.busy = false
                if case .failed(let error) = outcome, state.failure == nil { state.failure = error }
                guard state.failure != nil else { return (nil, []) }
                defer { state.queue.removeAll() }
                return (state.failure, state.queue)
            }
            if case .done = outcome {
                line.completion(nil)
            } else {
                line.completion(failure)
            }
            for other in rest { other.completion(failure) }
        }
        finishDescriptors()
    }

    private func finishDescriptors() {
        state.withLock { state in
            guard state.descriptorsOpen else { return }
            state.descriptorsOpen = false
            if closesDescriptor { Glibc.close(descriptor) }
            Glibc.close(wake.read)
            Glibc.close(wake.write)
        }
    }

    private enum Outcome {
        case done
        case more
        case failed(SessionError)
    }

    /// Writes what the descriptor takes now without blocking.
    private func writeAvailable(_ line: Line) -> Outcome {
        if !nonBlocking {
            var probe = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            guard poll(&probe, 1, 0) > 0 else { return .more }
            if probe.revents & Int16(POLLOUT) == 0 {
                // An error or hang-up: a one-byte write turns it into the real errno.
                return write(line, limit: 1)
            }
        }
        return write(line, limit: nonBlocking ? Int.max : Self.atomicChunk)
    }

    /// Writes the whole line, waiting in `poll` for room; ends early when ``close(_:)`` wakes it.
    private func writeAll(_ line: Line) -> Outcome {
        while true {
            switch writeAvailable(line) {
            case .done: return .done
            case .failed(let error): return .failed(error)
            case .more:
                var watched = [
                    pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0),
                    pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
                ]
                let result = poll(&watched, 2, -1)
                if result < 0 && errno != EINTR {
                    return .failed(.transport("waiting to write to \(peer) failed: \(String(cString: strerror(errno)))"))
                }
                if watched[1].revents != 0 { return .more }
            }
        }
    }

    /// One `writev` of the rest of `data` and the newline (at most `limit` bytes), so a large message is not copied
    /// to add the delimiter. `EAGAIN` is `.more`; a peer gone is a clear error rather than SIGPIPE.
    private func write(_ line: Line, limit: Int) -> Outcome {
        let total = line.data.count + 1
        while line.sent < total {
            var newline = UInt8(ascii: "\n")
            let written = line.data.withUnsafeBytes { (body: UnsafeRawBufferPointer) -> Int in
                withUnsafeMutablePointer(to: &newline) { newlinePointer in
                    let bodyLeft = max(body.count - line.sent, 0)
                    var parts: [iovec] = []
                    var room = limit
                    if bodyLeft > 0 {
                        let take = min(bodyLeft, room)
                        parts.append(iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress! + line.sent), iov_len: take))
                        room -= take
                    }
                    if room > 0 {
                        parts.append(iovec(iov_base: UnsafeMutableRawPointer(newlinePointer), iov_len: 1))
                    }
                    return parts.withUnsafeBufferPointer { writev(descriptor, $0.baseAddress!, Int32($0.count)) }
                }
            }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return .more }
                if errno == EPIPE { return .failed(.transport("\(peer) closed its input (broken pipe)")) }
                return .failed(.transport("writing to \(peer) failed: \(String(cString: strerror(errno)))"))
            }
            line.sent += written
            if !nonBlocking && line.sent < total { return .more }
        }
        return .done
    }
}

/// One continuation resumed exactly once: by the write's completion or by cancellation, whichever comes first.
private final class Waiter: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Swift.Error>)
        case done(Result<Void, Swift.Error>)
        case resumed
    }

    private let state = Mutex(State.idle)

    /// The result when the work already finished (nobody waits any more), else nil.
    func takeIfDone() -> Result<Void, Swift.Error>? {
        state.withLock { state in
            guard case .done(let result) = state else { return nil }
            state = .resumed
            return result
        }
    }

    func wait(_ continuation: CheckedContinuation<Void, Swift.Error>) {
        let early = state.withLock { state -> Result<Void, Swift.Error>? in
            if case .done(let result) = state {
                state = .resumed
                return result
            }
            state = .waiting(continuation)
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func finish(_ result: Result<Void, Swift.Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Swift.Error>? in
            switch state {
            case .idle:
                state = .done(result)
                return nil
            case .waiting(let continuation):
                state = .resumed
                return continuation
            case .done, .resumed:
                return nil
            }
        }
        waiter?.resume(with: result)
    }
}
