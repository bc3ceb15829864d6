import BayshCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal, for the tests and the benchmark that need a program to see a terminal.
///
/// Two ways in. ``init(executable:arguments:environment:columns:)`` starts a program on it expect-style: type keys,
/// wait for text, wait for exit; the program is started with posix_spawn in a new session whose controlling
/// terminal is the pty, so Ctrl-C typed here reaches it as SIGINT exactly as from a real terminal.
/// ``init(columns:)`` only opens the pair, for a caller that starts its child itself with ``follower`` as its
/// standard descriptors (the benchmark, which needs `wait4`'s figures), then reads with ``readBytes(until:timeout:)``
/// or ``drain(timeout:)``, which keep no more than they must, so a 64 MB answer costs no 64 MB here.
public final class PseudoTerminal {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    public let leader: Int32
    /// The child's end, until ``closeFollower()``.
    public private(set) var follower: Int32
    private let followerName: String
    private var pid: pid_t?
    private var closed = false
    /// Everything read by the expect-style calls.
    private var raw: [UInt8] = []
    /// Where the next ``waitFor(_:timeout:)`` starts looking, in the visible text.
    private var mark = 0
    /// Bytes read past the marker of the last ``readBytes(until:timeout:)``, where the next one starts.
    private var pending: [UInt8] = []
    public private(set) var exitStatus: Int32?

    public init(columns: UInt16 = 120) throws {
        var leader: Int32 = -1
        var follower: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&leader, &follower, nil, nil, &size) == 0 else {
            throw Failure(description: "openpty failed: \(String(cString: strerror(errno)))")
        }
        guard let name = ttyname(follower) else {
            let failure = Failure(description: "the pty has no name: \(String(cString: strerror(errno)))")
            Glibc.close(leader)
            Glibc.close(follower)
            throw failure
        }
        self.leader = leader
        self.follower = follower
        followerName = String(cString: name)
    }

    /// Opens a pty and starts `executable` on it.
    public convenience init(
        executable: String, arguments: [String], environment: [String: String], columns: UInt16 = 120
    ) throws {
        try self.init(columns: columns)
        closeFollower()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, the pty becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, followerName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, leader)

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
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    deinit {
        if let pid, exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close()
    }

    /// Lets go of the child's end once the child has it, so reading the leader ends when the child exits.
    public func closeFollower() {
        if follower >= 0 { Glibc.close(follower) }
        follower = -1
    }

    public func close() {
        closeFollower()
        guard !closed else { return }
        closed = true
        Glibc.close(leader)
    }

    // MARK: Expect-style, for a program started here

    /// Types `text` (use `\u{3}` for Ctrl-C, `\u{4}` for Ctrl-D, `\t` for Tab, `\r` for Enter).
    public func type(_ text: String) {
        TerminalText.write(text, to: leader)
    }

    /// Types a long `text` as a paste does, all at once, while reading what the program echoes: writing it whole
    /// first would fill the terminal's buffers both ways and stall both sides.
    public func paste(_ text: String, timeout: Duration = .seconds(60)) throws {
        let bytes = Array(text.utf8)
        let deadline = ContinuousClock.now + timeout
        let flags = fcntl(leader, F_GETFL)
        _ = fcntl(leader, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(leader, F_SETFL, flags) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(leader, $0.baseAddress, $0.count) }
            if count > 0 { offset += count }
            readAvailable(waitingUpTo: count > 0 ? 0 : 10)
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "only \(offset) of \(bytes.count) bytes were taken within \(timeout)")
            }
        }
    }

    /// Every byte the program has written so far, escape sequences included.
    public var rawOutput: [UInt8] { raw }

    /// Everything shown so far with escape sequences and carriage returns removed.
    public var visible: String {
        TerminalText.removingEscapes(String(decoding: raw, as: UTF8.self)).replacingOccurrences(of: "\r", with: "")
    }

    /// Waits until `text` shows after the previous match; gives the visible text up to and including it.
    @discardableResult
    public func waitFor(_ text: String, timeout: Duration = .seconds(20)) throws -> String {
        try waitForAll([text], timeout: timeout)
    }

    /// Waits until every one of `texts` has shown after the last match, in any order (output that races, such as a
    /// result and a server's stderr line); later waits start after the last of them.
    @discardableResult
    public func waitForAll(_ texts: [String], timeout: Duration = .seconds(20)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let shown = visible
            let start = shown.index(shown.startIndex, offsetBy: min(mark, shown.count))
            let found = texts.map { shown[start...].range(of: $0) }
            if found.allSatisfy({ $0 != nil }), let last = found.compactMap({ $0?.upperBound }).max() {
                mark = shown.distance(from: shown.startIndex, to: last)
                return String(shown[start..<last])
            }
            guard ContinuousClock.now < deadline else {
                let what = texts.count == 1 ? "'\(texts[0])' did not show" : "\(texts) did not all show"
                throw Failure(description: "\(what) within \(timeout); the screen had:\n\(shown)")
            }
            readAvailable(waitingUpTo: 50)
        }
    }

    /// Waits until a `baysh local:xxxx> ` prompt shows after `text`, so what is typed next reaches the editor.
    public func waitForPrompt(after text: String = "", timeout: Duration = .seconds(20)) throws {
        if !text.isEmpty { try waitFor(text + "baysh local:", timeout: timeout) } else {
            try waitFor("baysh local:", timeout: timeout)
        }
        try waitFor("> ", timeout: timeout)
    }

    /// Waits for the program to end and gives its exit status (128+N after signal N).
    public func waitForExit(timeout: Duration = .seconds(20)) throws -> Int32 {
        guard let pid else { throw Failure(description: "no program was started on this pty") }
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
        var descriptor = pollfd(fd: leader, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = Glibc.read(leader, &buffer, buffer.count)
        if count > 0 { raw += buffer[..<count] }
    }

    // MARK: Streaming, for a child started by the caller

    public func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.write(leader, $0.baseAddress, $0.count) }
    }

    /// Reads until `marker` has been seen or `timeout` passes; true when seen.
    public func read(until marker: [UInt8], timeout: Duration) -> Bool {
        readBytes(until: marker, timeout: timeout) != nil
    }

    /// Reads until `marker` has been seen and gives everything up to and including it, or nil when `timeout`
    /// passes first. What was read after the marker is kept for the next call.
    public func readBytes(until marker: [UInt8], timeout: Duration) -> [UInt8]? {
        var seen = pending
        pending = []
        var searched = 0
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            // Only the new bytes (and a marker's length before them) are searched, so a long answer stays linear.
            let from = max(0, searched - marker.count)
            if seen.count >= marker.count, from <= seen.count - marker.count,
                let start = (from...(seen.count - marker.count)).first(where: {
                    seen[$0..<$0 + marker.count].elementsEqual(marker)
                })
            {
                pending = Array(seen[(start + marker.count)...])
                return Array(seen[..<(start + marker.count)])
            }
            searched = seen.count
            guard ContinuousClock.now < deadline, wait(readableWithin: deadline) else { return nil }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(leader, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            seen.append(contentsOf: buffer[..<count])
        }
    }

    /// Reads and drops everything until the child closes its end or `timeout` passes; gives the bytes read.
    @discardableResult
    public func drain(timeout: Duration) -> Int {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        var total = 0
        while ContinuousClock.now < deadline, wait(readableWithin: deadline) {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(leader, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            total += count
        }
        return total
    }

    private func wait(readableWithin deadline: ContinuousClock.Instant) -> Bool {
        let left = (deadline - ContinuousClock.now).components
        let milliseconds = Int32(max(0, left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000))
        var descriptor = pollfd(fd: leader, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }
}
