import BayshCore
import CLibedit
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The interactive ``LineEditor``: libedit with emacs keys, Tab completion from the shell's provider, dim hints
/// drawn after the cursor, Ctrl-R history search, Ctrl-C that abandons the line, and window resizes honoured.
///
/// This is the only file that talks to libedit. libedit keeps per-editor state and calls back through C function
/// pointers, so the callbacks find this object through `EL_CLIENTDATA`; the object is used by one thread at a time
/// (see ``LineEditor``), which is why it is `@unchecked Sendable`.
public final class LibeditLineEditor: LineEditor, @unchecked Sendable {
    public var isInteractive: Bool { true }

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private var prompt: UnsafeMutablePointer<CChar>?
    private var promptWidth = 0
    private var completion: CompletionProvider?
    private var hints: HintProvider?
    /// Set by the Ctrl-C key function; the line el_gets then returns is thrown away.
    private var interrupted = false
    /// Whether a hint is on screen after the cursor, so it is erased before libedit sees the next key.
    private var hintShown = false
    /// Lines other threads want printed above the line being edited (``printAbove(_:)``).
    private let above = Mutex(Above())
    /// Rings the key reader awake when lines wait in ``above``: read end, write end.
    private let wake: (read: Int32, write: Int32)

    private struct Above {
        var editing = false
        var waiting: [String] = []
    }

    /// An editor on the terminal at stdin/stdout, or nil when either is not a terminal (use ``PlainLineReader``).
    /// `historySize` bounds the in-memory history the arrow keys and Ctrl-R walk through.
    public init?(historySize: Int) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        setlocale(LC_ALL, "")
        guard let editLine = el_init("baysh", baysh_stdin(), baysh_stdout(), baysh_stderr()) else { return nil }
        guard let history = history_init() else {
            el_end(editLine)
            return nil
        }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            el_end(editLine)
            history_end(history)
            return nil
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        self.wake = (ends[0], ends[1])
        self.editLine = editLine
        self.history = history
        self.prompt = strdup("")
        _ = baysh_history_set_size(history, Int32(clamping: max(historySize, 1)))
        _ = baysh_history_set_unique(history, 1)
        _ = baysh_el_set_history(editLine, history)
        _ = baysh_el_set_editor(editLine, "emacs")
        // libedit restores the terminal on SIGTERM/SIGHUP/SIGTSTP and re-reads the window size on SIGWINCH.
        _ = baysh_el_set_signal(editLine, 1)
        _ = baysh_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        _ = baysh_el_set_prompt(editLine, libeditPrompt, Self.escapeMarker)
        _ = baysh_el_add_function(editLine, "baysh-complete", "Complete the word before the cursor", libeditComplete)
        _ = baysh_el_bind(editLine, "^I", "baysh-complete")
        _ = baysh_el_add_function(editLine, "baysh-interrupt", "Abandon the line", libeditInterrupt)
        _ = baysh_el_bind(editLine, "^C", "baysh-interrupt")
        _ = baysh_el_bind(editLine, "^R", "em-inc-search-prev")
        // Ctrl-C must reach the key binding above rather than raise SIGINT while a line is edited.
        _ = baysh_el_edit_mode_without_isig(editLine)
        _ = baysh_el_set_getc(editLine, libeditReadCharacter)
        // The user's ~/.editrc (or $EDITRC) still applies, as in every libedit program.
        _ = el_source(editLine, nil)
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(prompt)
        close(wake.read)
        close(wake.write)
    }

    public func readLine(prompt text: String) -> LineInput {
        setPrompt(text)
        interrupted = false
        allowResizeSignals()
        el_resize(editLine)
        _ = baysh_el_prepare_terminal(editLine, 1)
        above.withLock { $0.editing = true }
        defer { finishEditing() }
        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count), count > 0 else { return .endOfInput }
        if interrupted { return .interrupted }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    public func addHistory(_ line: String) {
        _ = baysh_history_enter(history, line)
    }

    public func setCompletion(_ provider: CompletionProvider?) {
        completion = provider
    }

    public func setHints(_ provider: HintProvider?) {
        hints = provider
    }

    public func readAnswer(prompt: String, completion answers: CompletionProvider?) -> LineInput {
        let (shellCompletion, shellHints) = (completion, hints)
        (completion, hints) = (answers, nil)
        defer { (completion, hints) = (shellCompletion, shellHints) }
        return readLine(prompt: prompt)
    }

    public func printAbove(_ text: String) {
        let queued = above.withLock { above -> Bool in
            guard above.editing else { return false }
            above.waiting.append(text)
            return true
        }
        if queued {
            var byte: UInt8 = 1
            _ = write(wake.write, &byte, 1)
        } else {
            // No line is being edited, but a spinner may be on the line: clear it first (it draws itself again).
            TerminalText.write((isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : "") + text, to: STDERR_FILENO)
        }
    }

    /// Prints the lines waiting in ``above`` where the edited line was, then has libedit draw prompt and line again
    /// below them. Runs on the editing thread, between keys. False when there was nothing to print.
    @discardableResult
    private func printWaitingLines() -> Bool {
        var drained = [UInt8](repeating: 0, count: 64)
        while read(wake.read, &drained, drained.count) > 0 {}
        let lines = above.withLock { above in
            defer { above.waiting.removeAll() }
            return above.waiting
        }
        guard !lines.isEmpty else { return false }
        eraseHint()
        fflush(baysh_stdout())
        TerminalText.write("\r\u{1B}[K" + lines.joined(), to: STDERR_FILENO)
        _ = baysh_el_refresh(editLine)
        fflush(baysh_stdout())
        return true
    }

    /// Editing ended: lines that came too late for ``printWaitingLines()`` are printed now.
    private func finishEditing() {
        let lines = above.withLock { above in
            above.editing = false
            defer { above.waiting.removeAll() }
            return above.waiting
        }
        if !lines.isEmpty { TerminalText.write(lines.joined(), to: STDERR_FILENO) }
    }

    // MARK: - Prompt

    /// EL_PROMPT_ESC: text between two of these characters is printed but takes no columns (colour escapes).
    private static let escapeMarker = CChar(1)

    private func setPrompt(_ text: String) {
        free(prompt)
        prompt = strdup(Self.markingEscapes(text))
        promptWidth = TerminalText.width(of: TerminalText.removingEscapes(text))
    }

    /// Wraps every `ESC [ ... letter` sequence in escape markers so libedit does not count it as columns.
    static func markingEscapes(_ text: String) -> String {
        var out = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{1B}" {
                inEscape = true
                out += "\u{1}"
            }
            out.unicodeScalars.append(scalar)
            if inEscape, scalar != "\u{1B}", scalar != "[", scalar.properties.isAlphabetic {
                inEscape = false
                out += "\u{1}"
            }
        }
        return out
    }

    fileprivate var promptPointer: UnsafeMutablePointer<CChar>? { prompt }

    // MARK: - Keys

    fileprivate func complete() -> UInt8 {
        guard let provider = completion, let (line, cursor) = currentLine() else { return UInt8(CC_REFRESH_BEEP) }
        let result = provider(line, cursor)
        guard !result.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        if let insertion = result.immediateInsertion {
            el_deletestr(editLine, Int32(result.replaced.unicodeScalars.count))
            _ = el_insertstr(editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        fflush(baysh_stdout())
        let listing = CompletionListing.format(result.candidates, width: terminalColumns())
        TerminalText.write("\n" + listing, to: STDOUT_FILENO)
        return UInt8(CC_REDISPLAY)
    }

    /// Ctrl-C: moves to the end of the line, shows `^C` and ends the line through libedit's own newline, so the
    /// screen is left as a shell leaves it; ``readLine(prompt:)`` then reports ``LineInput/interrupted``.
    fileprivate func interrupt() -> UInt8 {
        interrupted = true
        if let info = el_line(editLine), let cursor = info.pointee.cursor, let last = info.pointee.lastchar {
            let tail = UnsafeBufferPointer(start: cursor, count: last - cursor)
            let remaining = String(decoding: tail.map { UInt8(bitPattern: $0) }, as: UTF8.self).unicodeScalars.count
            _ = el_cursor(editLine, Int32(remaining))
        }
        _ = el_insertstr(editLine, "^C")
        el_push(editLine, "\n")
        return UInt8(CC_REFRESH)
    }

    // MARK: - Reading keys and drawing hints

    /// libedit's character reader, replaced so the hint can be drawn while waiting for a key and erased before
    /// libedit handles it (libedit has no ghost text of its own).
    fileprivate func readCharacter(into out: UnsafeMutablePointer<wchar_t>) -> Int32 {
        fflush(baysh_stdout())
        drawHint()
        defer { eraseHint() }
        var bytes: [UInt8] = []
        var expected = 1
        while bytes.count < expected {
            if bytes.isEmpty, !waitForKey() { continue }
            var byte: UInt8 = 0
            let count = Glibc.read(STDIN_FILENO, &byte, 1)
            if count == 1 {
                if bytes.isEmpty {
                    expected = Self.utf8Length(leadingByte: byte)
                } else if byte & 0xC0 != 0x80 {
                    break
                }
                bytes.append(byte)
            } else if count == 0 {
                return 0
            } else if errno == EINTR {
                // A resize interrupts the read: redraw the hint for the new width and keep waiting.
                eraseHint()
                drawHint()
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                let flags = fcntl(STDIN_FILENO, F_GETFL)
                _ = fcntl(STDIN_FILENO, F_SETFL, flags & ~O_NONBLOCK)
            } else {
                return -1
            }
        }
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        out.pointee = wchar_t(bitPattern: scalar.value)
        return 1
    }

    /// Waits until a key can be read (true) or lines wait to be printed above the line, which are then printed
    /// (false: wait again).
    private func waitForKey() -> Bool {
        var descriptors = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&descriptors, 2, -1)
        guard ready > 0 else {
            // Any other failure is left to the read that follows, which reports it.
            if ready < 0, errno != EINTR { return true }
            if ready < 0 {
                // A resize interrupts the wait: redraw the hint for the new width.
                eraseHint()
                drawHint()
            }
            return false
        }
        // The hint was erased only when lines were printed: otherwise it is still there.
        if descriptors[1].revents != 0, printWaitingLines() { drawHint() }
        return descriptors[0].revents != 0
    }

    private static func utf8Length(leadingByte byte: UInt8) -> Int {
        switch byte {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }

    /// Lines longer than this get no hint: they cannot leave room for one on their row anyway, and building the
    /// hint reads the whole line, which on every key of a pasted megabyte made pasting quadratic.
    static let hintLineLimit = 4096

    private func drawHint() {
        // Keys already waiting (a paste) come first: a hint drawn now would be erased by the next key at once.
        guard let hints, !inputPending(), let line = lineForHint(), let hint = hints(line), !hint.isEmpty else {
            return
        }
        let room = terminalColumns() - promptWidth - TerminalText.width(of: line) - 1
        guard room > 3 else { return }
        // Argument names come from the server's schema.
        let shown = TerminalText.truncated(TerminalText.visible(hint), toWidth: room)
        let width = TerminalText.width(of: shown)
        TerminalText.write("\u{1B}[2m\(shown)\u{1B}[0m\u{1B}[\(width)D", to: STDOUT_FILENO)
        hintShown = true
    }

    /// The line, when a hint may follow it: the cursor at its end, one row, at most ``hintLineLimit`` bytes.
    /// Checked on libedit's pointers before any copy, so a key costs the same on a long line as on a short one.
    private func lineForHint() -> String? {
        guard let info = el_line(editLine), let buffer = info.pointee.buffer, let cursor = info.pointee.cursor,
            let last = info.pointee.lastchar, cursor == last
        else { return nil }
        let count = last - buffer
        guard count > 0, count <= Self.hintLineLimit else { return nil }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: count)
        guard !bytes.contains(UInt8(ascii: "\n")) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether more input is already waiting on stdin.
    private func inputPending() -> Bool {
        var request = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, 0) > 0
    }

    private func eraseHint() {
        guard hintShown else { return }
        TerminalText.write("\u{1B}[K", to: STDOUT_FILENO)
        hintShown = false
    }

    /// The line being edited and the cursor as a Character offset.
    private func currentLine() -> (String, Int)? {
        guard let info = el_line(editLine), let buffer = info.pointee.buffer, let cursor = info.pointee.cursor,
            let last = info.pointee.lastchar
        else { return nil }
        let bytes = UnsafeBufferPointer(start: buffer, count: last - buffer).map { UInt8(bitPattern: $0) }
        let cursorBytes = cursor - buffer
        let line = String(decoding: bytes, as: UTF8.self)
        let beforeCursor = String(decoding: bytes[..<min(cursorBytes, bytes.count)], as: UTF8.self)
        return (line, beforeCursor.count)
    }

    private func terminalColumns() -> Int {
        TerminalText.columns(of: STDOUT_FILENO) ?? 80
    }

    /// Editing runs on a dispatch thread, which blocks every signal; libedit needs SIGWINCH and SIGCONT to reach
    /// its handlers while a line is edited.
    private func allowResizeSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGWINCH)
        sigaddset(&set, SIGCONT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}

// libedit calls these through C function pointers, so they cannot capture: each finds its editor from the
// EditLine's client data.

private func editor(of editLine: OpaquePointer?) -> LibeditLineEditor? {
    guard let editLine, let data = baysh_el_get_clientdata(editLine) else { return nil }
    return Unmanaged<LibeditLineEditor>.fromOpaque(data).takeUnretainedValue()
}

private func libeditPrompt(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    editor(of: editLine)?.promptPointer
}

private func libeditComplete(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    editor(of: editLine)?.complete() ?? UInt8(CC_ERROR)
}

private func libeditInterrupt(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    editor(of: editLine)?.interrupt() ?? UInt8(CC_ERROR)
}

private func libeditReadCharacter(_ editLine: OpaquePointer?, _ out: UnsafeMutablePointer<wchar_t>?) -> Int32 {
    guard let out, let editor = editor(of: editLine) else { return -1 }
    return editor.readCharacter(into: out)
}
