import CBayshLinux
import Foundation
import Synchronization

/// The one process a sandbox keeps running: `/bin/sh` reading numbered requests from baysh over a socket and
/// starting each call inside the sandbox, so a call costs a fork and an exec instead of a new bubblewrap (whose
/// mounts and namespaces take tens of milliseconds).
///
/// A request `N` runs `/run/baysh/N.sh` in a subshell with stdout and stderr on the FIFOs `N.out` and `N.err`,
/// waits for it, kills every other process of the sandbox (`kill -9 -1` spares only the agent itself and
/// bubblewrap's init, PID 1), and only then answers `N STATUS`: so nothing a call started, in the background or in
/// a new session, outlives it. SIGUSR1 (a timeout, or Ctrl-C) runs the same kill at once, which ends the wait.
/// The call's processes never hold the socket (descriptors 3 and 4 are closed for them). A `read` that SIGUSR1
/// interrupts between calls is retried rather than taken for baysh's end.
final class SandboxAgent: Sendable {
    static let script = """
        exec 3>&1 4<&0 </dev/null >/dev/null 2>/dev/null
        interrupted=
        trap 'kill -9 -1; interrupted=1' USR1
        echo ready >&3
        while :; do
          IFS= read -r line <&4 || { [ -n "$interrupted" ] && { interrupted=; continue; }; exit 0; }
          case $line in ''|*[!0-9]*) continue ;; esac
          ( . /run/baysh/$line.sh ) >/run/baysh/$line.out 2>/run/baysh/$line.err 3>&- 4<&- &
          wait $!; status=$?
          kill -9 -1; wait; interrupted=
          echo "$line $status" >&3
        done
        """

    /// bubblewrap's pid (outside the sandbox).
    let pid: pid_t
    /// A pidfd of bubblewrap's child, PID 1 of the sandbox: killing it ends the whole PID namespace, even while
    /// the sandbox is still being set up and nothing inside has armed `--die-with-parent` yet.
    private let sandboxInit: Int32
    /// Its pid, whose only child is the agent.
    private let initPid: pid_t
    /// A pidfd of the agent's shell (found under bubblewrap's init), for SIGUSR1 that cannot hit a reused pid.
    private let agentHandle = Atomic<Int32>(-1)
    private let pending = Mutex<[UInt8]>([])
    private let life: Life
    private let readiness = Mutex(Readiness.starting)
    private let log: String
    private let startTimeout: Duration
    /// baysh's end of the socket that is the agent's stdin and stdout.
    private var socket: Int32 { life.socket }

    /// Whether the agent has said `ready` (see ``waitUntilReady()``).
    private enum Readiness {
        case starting
        case ready
        case failed(String)
    }

    /// What the agent and the thread waiting for bubblewrap share. The socket closes when both let go of it, so
    /// that thread's wake-up `shutdown` can never hit a descriptor number reused by a later sandbox.
    private final class Life: Sendable {
        let socket: Int32
        let ended = Atomic<Bool>(false)

        init(socket: Int32) {
            self.socket = socket
        }

        deinit {
            close(socket)
        }
    }

    /// Starts `bwrap ARGUMENTS /bin/sh -c SCRIPT` with `limits` applied to it and everything it starts, and returns
    /// once bubblewrap has made the sandbox's namespaces, the step that fails where the sandbox cannot work at all
    /// (no unprivileged user namespaces, a bubblewrap that refuses): that is refused here, with bubblewrap's own
    /// words from `log`. Mounting and starting the agent go on meanwhile; the first call waits for them
    /// (``waitUntilReady()``), so a session that never runs a command never waits for them.
    init(bwrap: String, arguments: [String], limits: [(Int32, UInt64)], log: String, startTimeout: Duration) throws {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw SandboxError.cannotStart("cannot create a socket pair: \(String(cString: strerror(errno)))")
        }
        var info: [Int32] = [0, 0]
        // A socket pair rather than a pipe for bubblewrap's report: `pipe2` (close-on-exec from the start) is not
        // imported.
        let reportMade = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &info) == 0
        let logFd = reportMade ? open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) : -1
        guard logFd >= 0 else {
            let what = reportMade ? log : "a socket pair"
            let code = errno
            for descriptor in pair + (reportMade ? info : []) { close(descriptor) }
            throw SandboxError.cannotStart("cannot create \(what): \(String(cString: strerror(code)))")
        }
        let life = Life(socket: pair[0])
        self.life = life
        self.log = log
        self.startTimeout = startTimeout
        // bubblewrap's --die-with-parent ties it to the thread that started it, so that thread must live as long
        // as bubblewrap does: it starts it, then waits for it.
        let started = SpawnReport()
        // --info-fd: bubblewrap writes its child's pid there once the namespaces exist, then closes it.
        let argv = [bwrap, "--info-fd", "3"] + arguments + ["/bin/sh", "-c", Self.script]
        let (childEnd, infoEnd) = (pair[1], info[1])
        Thread {
            bayshlinux_name_thread("baysh-sandbox")
            let child = Self.spawn(argv, in: childEnd, out: childEnd, err: logFd, extra: infoEnd, limits: limits)
            close(childEnd)
            close(logFd)
            close(infoEnd)
            started.deliver(child)
            guard child > 0 else { return }
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
            life.ended.store(true, ordering: .sequentiallyConsistent)
            // Wakes a reader waiting for an answer that will never come.
            shutdown(life.socket, Int32(SHUT_RDWR))
        }.start()
        let child = started.wait()
        guard child > 0 else {
            close(info[0])
            sandboxInit = -1
            initPid = 0
            pid = 0
            life.ended.store(true, ordering: .sequentiallyConsistent)
            throw SandboxError.cannotStart("cannot start \(bwrap): \(String(cString: strerror(-child)))")
        }
        pid = child
        let reported = Self.readAll(info[0], timeout: startTimeout)
        close(info[0])
        // The pid is bubblewrap's child, which bubblewrap has not reaped unless it already failed.
        initPid = Self.childPid(reported) ?? 0
        sandboxInit = initPid > 0 ? bayshlinux_pidfd_open(initPid) : -1
        guard sandboxInit >= 0 else {
            stop()
            throw SandboxError.cannotStart(Self.complaint(in: log))
        }
    }

    /// Waits until the agent has said `ready` (at once when it has): nil then, else why the sandbox could not
    /// start (bubblewrap's words from its log), the same every time it is asked. Only one thread asks at a time
    /// (calls take turns).
    func waitUntilReady() -> String? {
        switch readiness.withLock({ $0 }) {
        case .ready: return nil
        case .failed(let reason): return reason
        case .starting: break
        }
        var failure: String?
        if readLine(timeout: startTimeout) != "ready" {
            stop()
            failure = Self.complaint(in: log)
        } else if let agent = Self.onlyChild(of: initPid) ?? Self.grandchild(of: pid),
            case let handle = bayshlinux_pidfd_open(agent), handle >= 0
        {
            agentHandle.store(handle, ordering: .sequentiallyConsistent)
        } else {
            stop()
            failure = "cannot find the agent process under bubblewrap (pid \(pid))"
        }
        readiness.withLock { $0 = failure.map(Readiness.failed) ?? .ready }
        return failure
    }

    /// What bubblewrap wrote to `log` before it gave up.
    private static func complaint(in log: String) -> String {
        let said = (try? String(contentsOfFile: log, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return said.isEmpty ? "bubblewrap gave no reason" : said
    }

    /// Everything read from `descriptor` until end of file, or until `timeout` passes.
    private static func readAll(_ descriptor: Int32, timeout: Duration) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return bytes }
            var fd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fd, 1, Self.milliseconds(remaining))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return bytes }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// The `child-pid` of bubblewrap's `--info-fd` report (`{"child-pid": 1234}`).
    private static func childPid(_ report: [UInt8]) -> pid_t? {
        let text = String(decoding: report, as: UTF8.self)
        guard let key = text.range(of: "\"child-pid\"") else { return nil }
        let digits = text[key.upperBound...].drop { $0 == ":" || $0 == " " || $0 == "\n" || $0 == "\t" }.prefix { $0.isNumber }
        return pid_t(digits).flatMap { $0 > 0 ? $0 : nil }
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000 + 1)
    }

    deinit {
        stop()
        let handle = agentHandle.load(ordering: .sequentiallyConsistent)
        if handle >= 0 { close(handle) }
        if sandboxInit >= 0 { close(sandboxInit) }
    }

    /// Asks the agent to kill everything the running call started (it then answers the call's status).
    func interrupt() {
        _ = bayshlinux_pidfd_signal(agentHandle.load(ordering: .sequentiallyConsistent), SIGUSR1)
    }

    /// The process two levels below `pid` (bubblewrap, its init in the sandbox, the command), from `/proc`.
    /// The one child of `pid`, from `/proc/PID/task/PID/children` (one small file, where ``grandchild(of:)`` reads
    /// every process's `stat`); nil when the kernel does not offer that file or the count is not one.
    private static func onlyChild(of pid: pid_t) -> pid_t? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        else { return nil }
        let children = text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return children.count == 1 ? children[0] : nil
    }

    private static func grandchild(of pid: pid_t) -> pid_t? {
        let parents = processParents()
        let inits = parents.filter { $0.value == pid }.map(\.key)
        return parents.first { inits.contains($0.value) }?.key
    }

    /// Every process of this machine (as far as `/proc` shows) with its parent's pid.
    static func processParents() -> [pid_t: pid_t] {
        var parents: [pid_t: pid_t] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let process = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let afterName = stat.split(separator: ")").last,
                let parent = afterName.split(separator: " ").dropFirst().first.flatMap({ pid_t($0) })
            else { continue }
            parents[process] = parent
        }
        return parents
    }

    /// False once bubblewrap has exited (the agent was killed from inside, or ``stop()``).
    var isRunning: Bool { !life.ended.load(ordering: .sequentiallyConsistent) }

    /// Ends everything in the sandbox (its PID 1 takes the namespace with it) and bubblewrap.
    func stop() {
        if sandboxInit >= 0 { _ = bayshlinux_pidfd_signal(sandboxInit, SIGKILL) }
        if isRunning && pid > 0 { kill(pid, SIGKILL) }
    }

    /// Sends one request line; false when the agent is gone.
    @discardableResult
    func send(_ line: String) -> Bool {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeMutableBytes {
                Glibc.send(socket, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// The next answer line, or nil at end of stream or when `timeout` passes first. Only one thread reads at a
    /// time (calls take turns).
    func readLine(timeout: Duration) -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            if let line = pending.withLock({ buffer -> String? in
                guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }) {
                return line
            }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return nil }
            var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fd, 1, Self.milliseconds(remaining))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if count <= 0 { return nil }
            pending.withLock { $0.append(contentsOf: chunk[..<count]) }
        }
    }

    private static func spawn(
        _ argv: [String], in input: Int32, out output: Int32, err: Int32, extra: Int32, limits: [(Int32, UInt64)]
    ) -> pid_t {
        let arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer {
            arguments.forEach { free($0) }
            environment.forEach { free($0) }
        }
        let resources = limits.map(\.0)
        let values = limits.map { CUnsignedLongLong($0.1) }
        return bayshlinux_spawn_limited(
            argv[0], arguments, environment, input, output, err, extra, resources, values, Int32(limits.count))
    }
}

/// The pid the starting thread hands back to the one waiting in ``SandboxAgent/init``.
private final class SpawnReport: Sendable {
    private let condition = NSCondition()
    private let value = Mutex<pid_t?>(nil)

    func deliver(_ pid: pid_t) {
        condition.lock()
        value.withLock { $0 = pid }
        condition.signal()
        condition.unlock()
    }

    func wait() -> pid_t {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let pid = value.withLock({ $0 }) { return pid }
            condition.wait()
        }
    }
}

/// Why the sandbox could not be set up.
enum SandboxError: Error {
    case cannotStart(String)
}
