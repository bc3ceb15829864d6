import Foundation
import Synchronization

/// `⠹ shell 2.3s  (Ctrl-C cancels)` on stderr while a call runs longer than half a second on a terminal, erased
/// before the result is printed.
public final class Spinner: Sendable {
    private static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    private struct State {
        var stopped = false
        var drawn = false
        var task: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let write: @Sendable (String) -> Void

    private init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Starts a spinner for `label` that first shows after `delay`; when `enabled` is false nothing is drawn.
    public static func start(
        _ label: String, enabled: Bool, delay: Duration = .milliseconds(500),
        write: @escaping @Sendable (String) -> Void = { TerminalText.write($0, to: STDERR_FILENO) }
    ) -> Spinner {
        let spinner = Spinner(write: write)
        guard enabled else { return spinner }
        let started = ContinuousClock.now
        let task = Task { [weak spinner] in
            try? await Task.sleep(for: delay)
            var frame = 0
            while !Task.isCancelled, let spinner {
                let seconds = (ContinuousClock.now - started).inSeconds
                let text = "\r\(frames[frame % frames.count]) \(label) \(String(format: "%.1f", seconds))s"
                    + "  (Ctrl-C cancels)\u{1B}[K"
                spinner.draw(text)
                frame += 1
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        spinner.state.withLock { $0.task = task }
        return spinner
    }

    private func draw(_ text: String) {
        state.withLock { state in
            guard !state.stopped else { return }
            write(text)
            state.drawn = true
        }
    }

    /// Stops the spinner and erases it; safe to call twice.
    public func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            state.task?.cancel()
            if state.drawn { write("\r\u{1B}[K") }
        }
    }
}
