import Dispatch
import Foundation
import Synchronization

/// Ctrl-C outside line editing (during a call, a meta command or a confirmation), delivered through a
/// DispatchSource so nothing runs in a signal handler.
///
/// While a line is edited libedit turns `isig` off and Ctrl-C is a key; at other times the terminal sends SIGINT,
/// which lands here and goes to the handler of the innermost ``whileHandling(_:run:)``. With no handler, an
/// interactive shell ignores it and a script stops with status 130, as shells do.
public final class InterruptSignal: Sendable {
    /// The process's SIGINT.
    public static let shared = InterruptSignal()

    private let state = Mutex<State>(State())

    private struct State {
        var handlers: [(id: UInt64, handler: @Sendable () -> Void)] = []
        var nextId: UInt64 = 0
        var exitWhenUnhandled = false
        /// What ends the process then: a bare exit unless the launcher has a clean-up (``SessionEnding``).
        var unhandledExit: @Sendable () -> Void = { exit(130) }
        var source: DispatchSourceSignal?
    }

    /// A dispatcher of its own; it hears SIGINT only once ``install(exitWhenUnhandled:)`` is called. Tests make
    /// one and call ``interrupt()`` instead of signalling the whole test process.
    public init() {}

    /// Starts listening: SIGINT's default action is replaced by ignoring it, and a DispatchSource reads it
    /// instead. `exitWhenUnhandled` makes a Ctrl-C with no handler end the process with status 130 (scripts).
    public func install(exitWhenUnhandled: Bool) {
        state.withLock { state in
            state.exitWhenUnhandled = exitWhenUnhandled
            guard state.source == nil else { return }
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            source.setEventHandler { @Sendable [weak self] in self?.interrupt() }
            source.resume()
            state.source = source
        }
    }

    /// Replaces the plain `exit(130)` of an unhandled Ctrl-C in a script with `action`, which must end the
    /// process (after deleting the session baysh created).
    public func whenUnhandled(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.unhandledExit = action }
    }

    /// Runs `body` with `handler` receiving every Ctrl-C until it returns (unless a nested call takes over).
    public func whileHandling<T>(
        _ handler: @escaping @Sendable () -> Void, run body: () async throws -> T
    ) async rethrows -> T {
        let id = state.withLock { state in
            state.nextId += 1
            state.handlers.append((state.nextId, handler))
            return state.nextId
        }
        defer { state.withLock { $0.handlers.removeAll { $0.id == id } } }
        return try await body()
    }

    /// Delivers one Ctrl-C, as SIGINT does.
    public func interrupt() {
        let (handler, exits, unhandledExit) = state.withLock {
            ($0.handlers.last?.handler, $0.exitWhenUnhandled, $0.unhandledExit)
        }
        if let handler {
            handler()
        } else if exits {
            unhandledExit()
        }
    }
}
