import Dispatch
import Foundation
import Synchronization

/// Ends baysh cleanly when a signal ends it: SIGTERM, SIGHUP (the terminal closed) and a SIGINT that no running
/// call takes (a script, or Ctrl-C while the session is still being opened).
///
/// The session baysh created is deleted (a local workspace removed, a stdio server stopped, an AgentBay session
/// released) unless it is kept; an attached one is let go. That takes at most ``signalLimit``: past it, or when it
/// fails, baysh prints the session's id and the command that deletes it, so nothing is left behind unknowingly.
/// While the session is still being opened, the opening is cancelled instead (a stdio server in the middle of its
/// handshake is stopped by that) and a session that opens anyway is ended the same way. A second signal during the
/// clean-up stops waiting for it, with the same note.
///
/// The shell takes part through ``keep(_:for:)`` (`:keep`), ``sessionWasDeleted(_:)`` (`:delete`) and
/// ``ordinaryEnd(of:)``: when it ends normally the signal has nothing left to do, and when a signal came first the
/// shell leaves the ending to it. Only a session given to ``opening(keep:_:)`` is handled; shells running on other
/// sessions (tests) pass through untouched.
public final class SessionEnding: Sendable {
    /// The process's one instance, which the executable wires to its signals.
    public static let shared = SessionEnding()

    /// How long a clean-up started by a signal may take before baysh gives up and says what is left.
    public static let signalLimit: Duration = .seconds(5)
    /// How long deleting a created session may take when the shell ends normally.
    public static let exitLimit: Duration = .seconds(10)

    private enum Phase {
        case idle
        case running
        /// The shell is ending the session itself.
        case ordinary
        /// A signal's clean-up is under way.
        case signalled
    }

    private struct State {
        var session: (any Session)?
        var opening: Task<any Session, any Error>?
        var keep = false
        var gone = false
        var phase = Phase.idle
        var terminal: termios?
    }

    private let state = Mutex(State())
    /// Kept alive for the life of the process; written once by ``install()`` before any signal is listened to.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    public init() {}

    /// Listens for SIGTERM and SIGHUP (and takes SIGINT from ``InterruptSignal/shared`` when no call handles it).
    /// Call once, before the session is opened.
    public func install() {
        var saved = termios()
        let terminal = isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved) == 0 ? saved : nil
        sources = [SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in stop(signal: number) }
            source.resume()
            return source
        }
        state.withLock { $0.terminal = terminal }
        InterruptSignal.shared.whenUnhandled { [self] in stop(signal: SIGINT) }
        InterruptSignal.shared.install(exitWhenUnhandled: true)
    }

    /// Opens the session with `open`, so that a signal meanwhile cancels the opening, and takes the session in
    /// charge. `keep` is `--keep`.
    public func opening(keep: Bool, _ open: @escaping @Sendable () async throws -> any Session) async throws
        -> any Session
    {
        let task = Task { try await open() }
        state.withLock {
            $0.opening = task
            $0.keep = keep
            $0.phase = .running
        }
        let result = await task.result
        let signalled = state.withLock { state -> Bool in
            state.opening = nil
            if case .success(let session) = result { state.session = session }
            return state.phase == .signalled
        }
        // The signal's clean-up ends the process; the session must not be handed on meanwhile.
        if signalled { await Self.waitForExit() }
        return try result.get()
    }

    /// `:keep` (or `--keep`) for `session`.
    public func keep(_ keep: Bool, for session: any Session) {
        state.withLock { state in
            if let own = state.session, own === session { state.keep = keep }
        }
    }

    /// `:new` switched from `old` to `fresh`: a signal from now on ends `fresh` (baysh created it), and `old` was
    /// already let go of.
    public func replaced(_ old: any Session, with fresh: any Session) {
        state.withLock { state in
            guard let own = state.session, own === old else { return }
            state.session = fresh
            state.gone = false
        }
    }

    /// `:delete` of `session` succeeded: nothing is left to delete.
    public func sessionWasDeleted(_ session: any Session) {
        state.withLock { state in
            if let own = state.session, own === session { state.gone = true }
        }
    }

    /// The shell is about to end `session` itself. False when a signal is already ending it: the shell must then
    /// leave it alone (the process exits when the signal's clean-up is done).
    public func ordinaryEnd(of session: any Session) async -> Bool {
        let signalled = state.withLock { state -> Bool in
            guard let own = state.session, own === session else { return false }
            if state.phase == .signalled { return true }
            state.phase = .ordinary
            return false
        }
        if signalled { await Self.waitForExit() }
        return !signalled
    }

    /// Ends the process after cleaning up, as the signal `number` asks.
    func stop(signal number: Int32) {
        let (phase, session, opening, terminal) = state.withLock { state in
            let before = state.phase
            if before == .idle || before == .running { state.phase = .signalled }
            return (before, state.gone ? nil : state.session, state.opening, state.terminal)
        }
        let name = Self.name(of: number)
        switch phase {
        case .idle:
            exit(128 + number)
        case .ordinary:
            // The shell's own ending is bounded and says what it did.
            return
        case .signalled:
            if let session { Self.note("\(name) again: stopped waiting. \(Self.leftBehind(session))") }
            Self.restore(terminal)
            exit(128 + number)
        case .running:
            Task {
                await cleanUp(signal: name, session: session, opening: opening)
                Self.restore(terminal)
                exit(128 + number)
            }
        }
    }

    private func cleanUp(signal name: String, session: (any Session)?, opening: Task<any Session, any Error>?) async {
        var session = session
        if let opening {
            opening.cancel()
            // A cancelled opening stops the server it started; one that finishes anyway is ended below.
            session = try? await Self.within(Self.signalLimit) { try await opening.value }
        }
        guard let session else { return }
        let (keep, gone) = state.withLock { ($0.keep, $0.gone) }
        if gone { return }
        if session.ownership == .created, !keep {
            do {
                try await Self.delete(session, within: Self.signalLimit)
                Self.note("stopped by \(name); deleted session \(session.sessionId)")
            } catch {
                Self.note("stopped by \(name); could not delete session \(session.sessionId): \(error)")
            }
        } else {
            _ = try? await Self.within(Self.signalLimit) { await session.close() }
            if session.ownership == .created {
                Self.note("stopped by \(name); kept session \(session.sessionId)")
            }
        }
    }

    /// Deletes `session`, giving up after `limit` with an error that names what is left and how to delete it.
    public static func delete(_ session: any Session, within limit: Duration) async throws {
        do {
            try await within(limit) { try await session.delete(syncContext: false) }
        } catch SessionError.notFound {
            return  // already gone (a `:delete` raced the signal)
        } catch is LimitReached {
            throw SessionError.transport(
                "the deletion did not finish within \(SessionError.format(limit)) (it may still be under way); "
                    + leftBehind(session))
        } catch {
            throw SessionError.transport("\(error); \(leftBehind(session))")
        }
    }

    /// `to delete it: baysh --session-id … -c ':delete'`.
    static func leftBehind(_ session: any Session) -> String {
        "session \(session.sessionId) may be left behind; delete it with: \(session.deleteCommand)"
    }

    private struct LimitReached: Error {}

    /// Runs `body` and gives its result, or throws ``LimitReached`` after `limit` without waiting for it further
    /// (it is cancelled, but a body that ignores cancellation cannot hold the exit).
    private static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        let work = Task { try await body() }
        let gate = Mutex<CheckedContinuation<Result<T, any Error>, Never>?>(nil)
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
            gate.withLock { $0 = continuation }
            let finish = { @Sendable (result: Result<T, any Error>) in
                gate.withLock { waiting -> CheckedContinuation<Result<T, any Error>, Never>? in
                    defer { waiting = nil }
                    return waiting
                }?.resume(returning: result)
            }
            Task { finish(await work.result) }
            DispatchQueue.global().asyncAfter(deadline: .now() + limit.seconds) {
                // The limit is settled before the body is cancelled: the cancelled body ends at once, and its own
                // error must not pass for the reason it ended.
                finish(.failure(LimitReached()))
                work.cancel()
            }
        }
        return try result.get()
    }

    private static func waitForExit() async {
        while true { try? await Task.sleep(for: .seconds(3600)) }
    }

    private static func restore(_ terminal: termios?) {
        guard var terminal else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &terminal)
    }

    private static func note(_ text: String) {
        TerminalText.write("baysh: \(Redactor.shared.redact(text))\n", to: STDERR_FILENO)
    }

    private static func name(of number: Int32) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        default: return "signal \(number)"
        }
    }
}
