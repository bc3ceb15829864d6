import Foundation
import Synchronization

/// `⠹ shell 2.3s  (Ctrl-C cancels)` on stderr while a call runs longer than half a second on a terminal, erased
/// before the result is printed. With a `detail` (a call's progress) it reads `⠇ slow_count 3/8 · step 3 of 8 · 2.1s`.
public final class Spinner: Sendable {
    private static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    private struct State {
        var stopped = false
        /// Set while something else uses the line (a question to the user).
        var held = false
        var drawn = false
        var task: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let write: @Sendable (String) -> Void

    private init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Starts a spinner for `label` that first shows after `delay`; when `enabled` is false nothing is drawn.
    /// `detail` is asked at each frame for text to show after the label (nil for none).
    public static func start(
        _ label: String, enabled: Bool, delay: Duration = .milliseconds(500),
        detail: (@Sendable () -> String?)? = nil,
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
                var said = ""
                if let detail = detail?() {
                    let room = (TerminalText.columns(of: STDERR_FILENO) ?? 80) - TerminalText.width(of: label) - 30
                    if room > 3 { said = TerminalText.truncated(detail, toWidth: room) + " · " }
                }
                let text = "\r\(frames[frame % frames.count]) \(label) \(said)\(String(format: "%.1f", seconds))s"
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
            guard !state.stopped, !state.held else { return }
            write(text)
            state.drawn = true
        }
    }

    /// Erases the spinner and keeps it off the line until ``release()``: the line is needed for something else.
    public func hold() {
        state.withLock { state in
            guard !state.held else { return }
            state.held = true
            if state.drawn && !state.stopped { write("\r\u{1B}[K") }
            state.drawn = false
        }
    }

    /// Lets the spinner draw again after ``hold()``.
    public func release() {
        state.withLock { $0.held = false }
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
