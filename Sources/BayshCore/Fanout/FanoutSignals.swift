import Dispatch
import Foundation
import Synchronization

/// Ctrl-C and SIGTERM during a fan-out. The first stops the run (the launcher cancels it, and the run deletes
/// what it created); a second gives up waiting: `leave` prints which sessions are still being deleted and how to
/// delete them later, and the process ends with status 128 + the signal.
final class FanoutSignals {
    private let sources: [any DispatchSourceSignal]
    private let first = FirstStop()

    /// - Parameters:
    ///   - stop: called once, on the first signal, with its number.
    ///   - leave: called on a later SIGINT or SIGTERM, before the process exits.
    init(stop: @escaping @Sendable (Int32) -> Void, leave: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "baysh.fanout-signals")
        let first = self.first
        sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if first.claim(number) {
                    stop(number)
                } else {
                    leave()
                    exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }

    /// The signal that stopped the run, if one did.
    var stoppedBy: Int32? { first.signal }

    /// Stops listening.
    func cancel() {
        for source in sources { source.cancel() }
    }
}

/// The first signal of a run.
private final class FirstStop: Sendable {
    private let number = Mutex<Int32?>(nil)

    /// True for the first signal only.
    func claim(_ signal: Int32) -> Bool {
        number.withLock { number in
            guard number == nil else { return false }
            number = signal
            return true
        }
    }

    var signal: Int32? { number.withLock { $0 } }
}
