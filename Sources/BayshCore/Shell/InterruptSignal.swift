import Dispatch
import Foundation
import Synchronization

/// Ctrl-C outside line editing (during a call, a meta command or a confirmation), delivered through a
/// DispatchSource so nothing runs in a signal handler.
///
/// While a line is edited libedit turns `isig` off and Ctrl-C is a key; at other times the terminal sends SIGINT,
/// which lands here and goes to the handler set by ``whileHandling(_:run:)``. With no handler set, an interactive
/// shell ignores it and a script stops with status 130, as shells do.
public final class InterruptSignal: Sendable {
    /// The process's SIGINT, installed on first use.
    public static let shared = InterruptSignal()

    private let state = Mutex<State>(State())

    private struct State {
        var handler: (@Sendable () -> Void)?
        var exitWhenUnhandled = false
        var source: DispatchSourceSignal?
    }

    private init() {}

    /// Starts listening: SIGINT is ignored by default disposition and read from the DispatchSource instead.
    /// `exitWhenUnhandled` makes a Ctrl-C with no handler end the process with status 130 (scripts).
    public func install(exitWhenUnhandled: Bool) {
        state.withLock { state in
            state.exitWhenUnhandled = exitWhenUnhandled
            guard state.source == nil else { return }
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            source.setEventHandler { @Sendable [weak self] in self?.deliver() }
            source.resume()
            state.source = source
        }
    }

    /// Runs `body` with `handler` receiving every Ctrl-C until it returns.
    public func whileHandling<T>(
        _ handler: @escaping @Sendable () -> Void, run body: () async throws -> T
    ) async rethrows -> T {
        let previous = state.withLock { state in
            defer { state.handler = handler }
            return state.handler
        }
        defer { state.withLock { $0.handler = previous } }
        return try await body()
    }

    private func deliver() {
        let (handler, exits) = state.withLock { ($0.handler, $0.exitWhenUnhandled) }
        if let handler {
            handler()
        } else if exits {
            exit(130)
        }
    }
}
