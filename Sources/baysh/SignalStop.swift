import Dispatch
import Foundation
import Synchronization

/// Ends the process cleanly on a signal: `cleanUp` runs once (later signals are ignored meanwhile), then the
/// process exits with status 128 + the signal, as a shell would report it.
final class SignalStop {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], cleanUp: @escaping @Sendable () async -> Void) {
        let queue = DispatchQueue(label: "baysh.signal-stop")
        let started = FirstSignal()
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                guard started.claim() else { return }
                Task {
                    await cleanUp()
                    exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }

    /// Stops listening; the signals get their default action again.
    func cancel() {
        for source in sources { source.cancel() }
    }
}

/// Whether a signal already started the clean-up.
private final class FirstSignal: Sendable {
    private let begun = Mutex(false)

    /// True for the first caller only.
    func claim() -> Bool {
        begun.withLock { begun in
            defer { begun = true }
            return !begun
        }
    }
}
