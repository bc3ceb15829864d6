import CBayshLinux
import Foundation
import Synchronization

/// One `/bin/sh -c COMMAND` run for the local `shell` tool.
///
/// The shell starts in its own process group with stdin on `/dev/null` and default signal handling, and no
/// descriptor of baysh leaks into it. A dedicated thread reads stdout and stderr together with `poll` (so neither
/// pipe can fill up and block the command) and a second one waits for the exit status. When the time is up, or the
/// calling task is cancelled (Ctrl-C), the whole group gets SIGKILL, so `sleep 30 & sleep 30` leaves nothing behind.
struct ShellCommand: Sendable {
    var command: String
    var folder: String
    var environment: [String: String]
    var timeout: Duration
    /// Bytes kept per stream; the rest is read and counted, never buffered.
    var outputCap: Int = 1 << 20

    /// How long to keep reading after the kill, in case a process that left the group still holds a pipe.
    static let drainAfterKill: Duration = .seconds(1)

    struct Outcome: Sendable, Equatable {
        var stdout: String
        var stderr: String
        /// The exit status, or 128 + signal number when a signal ended the shell.
        var exitCode: Int32
        var timedOut: Bool
        /// True when the shell exited before the time was up but something it started kept the output open.
        var outputHeldOpen: Bool
    }

    /// Runs the command to its end, its timeout, or the task's cancellation (then throws `CancellationError` once
    /// the group is dead).
    func run() async throws -> Outcome {
        try Task.checkCancellation()
        let child = try SpawnedShell(command: command, folder: folder, environment: environment)
        return try await Self.collect(child, timeout: timeout, cap: outputCap)
    }

    /// Reads a started command's output to its end, its timeout, or the task's cancellation (then throws
    /// `CancellationError` once everything it started is dead). Closes the command's output descriptors.
    static func collect(_ child: any RunningCommand, timeout: Duration, cap: Int) async throws -> Outcome {
        let control: ControlPipe
        do {
            control = try ControlPipe()
        } catch {
            child.killAll()
            Glibc.close(child.stdout)
            Glibc.close(child.stderr)
            _ = child.waitForExit()
            throw error
        }
        let collector = OutputCollector(child: child, control: control, timeout: timeout, cap: cap)
        let waiter = Thread { control.exited(status: child.waitForExit()) }
        waiter.start()
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome?, Never>) in
                Thread { continuation.resume(returning: collector.collect()) }.start()
            }
        } onCancel: {
            control.cancel()
        }
        guard let outcome else { throw CancellationError() }
        return outcome
    }
}

/// A started command as the output collector sees it: where its output comes from, how to end everything it
/// started, and how to learn that its shell ended.
protocol RunningCommand: Sendable {
    /// Read ends of its stdout and stderr (closed by the collector).
    var stdout: Int32 { get }
    var stderr: Int32 { get }
    /// SIGKILL to every process the command started.
    func killAll()
    /// Blocks until the command's shell has ended; its wait status (`exit code << 8`, or the signal number).
    func waitForExit() -> Int32
}

/// The pipe the reading thread listens to besides stdout and stderr: `c` when the task is cancelled, `e` when the
/// shell has exited. Writes after the reader closed it are dropped under the lock, so a late Ctrl-C never writes
/// into a descriptor number that has since been reused.
final class ControlPipe: Sendable {
    let readEnd: Int32
    private let writeEnd: Mutex<Int32?>
    private let status = Mutex<Int32?>(nil)

    init() throws {
        var fds: [Int32] = [0, 0]
        guard bayshlinux_pipe_cloexec(&fds) == 0 else {
            throw ToolFailure("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        readEnd = fds[0]
        writeEnd = Mutex(fds[1])
    }

    func cancel() { send(UInt8(ascii: "c")) }

    func exited(status value: Int32) {
        status.withLock { $0 = value }
        send(UInt8(ascii: "e"))
    }

    var exitStatus: Int32? { status.withLock { $0 } }

    func close() {
        writeEnd.withLock { fd in
            if let open = fd { Glibc.close(open) }
            fd = nil
        }
        Glibc.close(readEnd)
    }

    private func send(_ byte: UInt8) {
        writeEnd.withLock { fd in
            guard let fd else { return }
            var value = byte
            _ = write(fd, &value, 1)
        }
    }
}

/// `/bin/sh -c` started with posix_spawn in a new process group.
struct SpawnedShell: RunningCommand {
    let pid: pid_t
    let stdout: Int32
    let stderr: Int32

    init(command: String, folder: String, environment: [String: String]) throws {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard bayshlinux_pipe_cloexec(&outPipe) == 0 else {
            throw ToolFailure("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        guard bayshlinux_pipe_cloexec(&errPipe) == 0 else {
            let code = errno
            Glibc.close(outPipe[0])
            Glibc.close(outPipe[1])
            throw ToolFailure("cannot create a pipe: \(String(cString: strerror(code)))")
        }
        defer {
            Glibc.close(outPipe[1])
            Glibc.close(errPipe[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        bayshlinux_spawn_add_closefrom(&actions, 3)
        bayshlinux_spawn_add_chdir(&actions, folder)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // baysh ignores SIGPIPE and the terminal's signals; the command must get the defaults back.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD] {
            sigaddset(&defaults, signal)
        }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = [String](["/bin/sh", "-c", command]).map { strdup($0) }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var spawned: pid_t = 0
        let result = (argv + [nil]).withUnsafeBufferPointer { argvPointer in
            (envp + [nil]).withUnsafeBufferPointer { envPointer in
                posix_spawn(
                    &spawned, "/bin/sh", &actions, &attributes,
                    argvPointer.baseAddress!, envPointer.baseAddress!)
            }
        }
        guard result == 0 else {
            Glibc.close(outPipe[0])
            Glibc.close(errPipe[0])
            throw ToolFailure("cannot start /bin/sh in \(folder): \(String(cString: strerror(result)))")
        }
        pid = spawned
        stdout = outPipe[0]
        stderr = errPipe[0]
    }

    /// SIGKILL to the shell's whole process group.
    func killAll() {
        kill(-pid, SIGKILL)
    }

    func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}

/// The reading side of a run: one `poll` loop over stdout, stderr and the control pipe, with the deadline as the
/// poll timeout, so nothing spins and nothing waits longer than it must.
struct OutputCollector: Sendable {
    let child: any RunningCommand
    let control: ControlPipe
    let timeout: Duration
    let cap: Int

    /// The outcome, or nil when the run was cancelled.
    func collect() -> ShellCommand.Outcome? {
        var out = CappedBuffer(cap: cap)
        var err = CappedBuffer(cap: cap)
        var outOpen = true
        var errOpen = true
        var exited = false
        var exitedBeforeDeadline = false
        var timedOut = false
        var cancelled = false
        var killedAt: ContinuousClock.Instant?
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var chunk = [UInt8](repeating: 0, count: 65536)

        func killOnce() {
            if killedAt == nil {
                child.killAll()
                killedAt = clock.now
            }
        }

        while true {
            if exited && !outOpen && !errOpen { break }
            if let killedAt, exited, clock.now >= killedAt + ShellCommand.drainAfterKill { break }
            let waitUntil = killedAt.map { $0 + ShellCommand.drainAfterKill } ?? deadline
            let remaining = clock.now.duration(to: waitUntil)
            if remaining <= .zero {
                if killedAt == nil {
                    timedOut = true
                    killOnce()
                }
                // Past the drain: only the exit status is still awaited, which SIGKILL makes imminent.
                if !exited { waitForControl(&exited, &cancelled) }
                continue
            }
            var fds = [
                pollfd(fd: outOpen ? child.stdout : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: errOpen ? child.stderr : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: exited ? -1 : control.readEnd, events: Int16(POLLIN), revents: 0),
            ]
            let milliseconds = Int32(clamping: max(1, remaining.components.seconds * 1000
                + remaining.components.attoseconds / 1_000_000_000_000_000 + 1))
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0 { continue }
            if fds[2].revents != 0 {
                let before = exited
                readControl(&exited, &cancelled)
                if cancelled { killOnce() }
                if exited && !before && killedAt == nil { exitedBeforeDeadline = true }
            }
            if fds[0].revents != 0 { outOpen = drain(child.stdout, into: &out, chunk: &chunk) }
            if fds[1].revents != 0 { errOpen = drain(child.stderr, into: &err, chunk: &chunk) }
        }
        Glibc.close(child.stdout)
        Glibc.close(child.stderr)
        control.close()

        let status = control.exitStatus ?? 0
        let exitCode: Int32 =
            (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        if cancelled { return nil }
        return ShellCommand.Outcome(
            stdout: out.text, stderr: err.text, exitCode: timedOut ? 124 : exitCode, timedOut: timedOut,
            outputHeldOpen: timedOut && exitedBeforeDeadline)
    }

    /// Reads what is there; false at end of file.
    private func drain(_ fd: Int32, into buffer: inout CappedBuffer, chunk: inout [UInt8]) -> Bool {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            buffer.append(chunk[..<count])
            return true
        }
        return count < 0 && (errno == EINTR || errno == EAGAIN)
    }

    private func readControl(_ exited: inout Bool, _ cancelled: inout Bool) {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { read(control.readEnd, $0.baseAddress, $0.count) }
        guard count > 0 else { return }
        for byte in bytes[..<count] {
            if byte == UInt8(ascii: "e") { exited = true }
            if byte == UInt8(ascii: "c") { cancelled = true }
        }
    }

    private func waitForControl(_ exited: inout Bool, _ cancelled: inout Bool) {
        var fd = pollfd(fd: control.readEnd, events: Int16(POLLIN), revents: 0)
        if poll(&fd, 1, 5000) > 0 { readControl(&exited, &cancelled) }
    }
}

/// Keeps the first `cap` bytes of a stream and counts the rest.
struct CappedBuffer {
    let cap: Int
    private(set) var bytes: [UInt8] = []
    private(set) var dropped = 0

    init(cap: Int) {
        self.cap = cap
    }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        let room = max(0, cap - bytes.count)
        bytes.append(contentsOf: chunk.prefix(room))
        dropped += max(0, chunk.count - room)
    }

    var text: String {
        let kept = String(decoding: bytes, as: UTF8.self)
        return dropped == 0 ? kept : kept + "\n[output truncated: \(dropped) bytes dropped]"
    }
}
