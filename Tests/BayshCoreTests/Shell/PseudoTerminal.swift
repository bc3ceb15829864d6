import BayshCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program on a pseudo-terminal, expect-style: type keys, wait for text, wait for exit. The program is
/// started with posix_spawn in a new session whose controlling terminal is the pty, so Ctrl-C typed here reaches
/// it as SIGINT exactly as from a real terminal.
final class PseudoTerminal {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    private let master: Int32
    private var raw: [UInt8] = []
    /// Where the next ``waitFor(_:timeout:)`` starts looking, in the visible text.
    private var mark = 0
    private(set) var exitStatus: Int32?

    init(executable: String, arguments: [String], environment: [String: String], columns: UInt16 = 120) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw Failure(description: "openpty failed: \(String(cString: strerror(errno)))")
        }
        guard let name = ttyname(slave) else {
            throw Failure(description: "the pty has no name: \(String(cString: strerror(errno)))")
        }
        let slaveName = String(cString: name)
        close(slave)
        self.master = master

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, the pty becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGPIPE, SIGWINCH, SIGTERM, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // glibc's POSIX_SPAWN_SETSID (0x80) is behind a feature macro Swift does not see.
        let setSessionId: Int32 = 0x80
        posix_spawnattr_setflags(
            &attributes, Int16(setSessionId | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types `text` (use `\u{3}` for Ctrl-C, `\u{4}` for Ctrl-D, `\t` for Tab, `\r` for Enter).
    func type(_ text: String) {
        TerminalText.write(text, to: master)
    }

    /// Types a long `text` as a paste does, all at once, while reading what the program echoes: writing it whole
    /// first would fill the terminal's buffers both ways and stall both sides.
    func paste(_ text: String, timeout: Duration = .seconds(60)) throws {
        let bytes = Array(text.utf8)
        let deadline = ContinuousClock.now + timeout
        let flags = fcntl(master, F_GETFL)
        _ = fcntl(master, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(master, F_SETFL, flags) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if count > 0 { offset += count }
            readAvailable(waitingUpTo: count > 0 ? 0 : 10)
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "only \(offset) of \(bytes.count) bytes were taken within \(timeout)")
            }
        }
    }

    /// Every byte the program has written so far, escape sequences included.
    var rawOutput: [UInt8] { raw }

    /// Everything shown so far with escape sequences and carriage returns removed.
    var visible: String {
        TerminalText.removingEscapes(String(decoding: raw, as: UTF8.self)).replacingOccurrences(of: "\r", with: "")
    }

    /// Waits until `text` shows after the previous match; gives the visible text up to and including it.
    @discardableResult
    func waitFor(_ text: String, timeout: Duration = .seconds(20)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let shown = visible
            let start = shown.index(shown.startIndex, offsetBy: min(mark, shown.count))
            if let found = shown[start...].range(of: text) {
                mark = shown.distance(from: shown.startIndex, to: found.upperBound)
                return String(shown[start..<found.upperBound])
            }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "'\(text)' did not show within \(timeout); the screen had:\n\(shown)")
            }
            readAvailable(waitingUpTo: 50)
        }
    }

    /// Waits until a `baysh local:xxxx> ` prompt shows after `text`, so what is typed next reaches the editor.
    func waitForPrompt(after text: String = "", timeout: Duration = .seconds(20)) throws {
        if !text.isEmpty { try waitFor(text + "baysh local:", timeout: timeout) } else {
            try waitFor("baysh local:", timeout: timeout)
        }
        try waitFor("> ", timeout: timeout)
    }

    /// Waits for the program to end and gives its exit status (128+N after signal N).
    func waitForExit(timeout: Duration = .seconds(20)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while exitStatus == nil {
            readAvailable(waitingUpTo: 50)
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                // WIFEXITED / WEXITSTATUS / WTERMSIG by hand: Glibc's macros are not imported.
                exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            } else if ContinuousClock.now >= deadline {
                throw Failure(description: "the program did not exit within \(timeout); the screen had:\n\(visible)")
            }
        }
        readAvailable(waitingUpTo: 0)
        return exitStatus ?? -1
    }

    private func readAvailable(waitingUpTo milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(master, &buffer, buffer.count)
        if count > 0 { raw += buffer[..<count] }
    }
}
