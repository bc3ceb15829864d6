import Foundation
import Synchronization

/// The one live line on stderr, redrawn in place; nothing when stderr is not a terminal.
final class LiveLine: Sendable {
    private let enabled: Bool
    private let shown = Mutex<String?>(nil)

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ text: String) {
        guard enabled else { return }
        let changed = shown.withLock { shown -> Bool in
            defer { shown = text }
            return shown != text
        }
        if changed { TerminalText.write("\r" + text + "\u{1B}[K", to: STDERR_FILENO) }
    }

    func clear() {
        guard enabled else { return }
        let wasShown = shown.withLock { shown -> Bool in
            defer { shown = nil }
            return shown != nil
        }
        if wasShown { TerminalText.write("\r\u{1B}[K", to: STDERR_FILENO) }
    }
}
