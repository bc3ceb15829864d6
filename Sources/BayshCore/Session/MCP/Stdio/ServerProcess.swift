import CBayshLinux
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stdio MCP server running as a child of baysh.
///
/// Started with `posix_spawnp` in a process group of its own, so the Ctrl-C that cancels a call in the shell does
/// not kill the server; SIGPIPE is back at its default in the child. stdin and stdout are pipes for a
/// ``PipeTransport``; stderr goes through a pipe to a ``StderrDestination`` while its last lines are kept. A thread
/// waits for the child, so its exit is noticed at once, and ``terminate(grace:)`` ends the whole group.
public final class ServerProcess: Sendable {
    /// The command as given, for messages (`uvx mcp-server-fetch`).
    public let displayCommand: String
    /// The child's process id, which is also its process group id.
    public let pid: pid_t
    /// Write end of the server's stdin (for the transport, which closes it).
    public let stdinDescriptor: Int32
    /// Read end of the server's stdout (for the transport, which closes it).
    public let stdoutDescriptor: Int32

    private struct State {
        var exitStatus: Int32??  // nil while running; .some(nil) when the status could not be read
        var handlers: [@Sendable (Int32?) -> Void] = []
        var waiters: [ExitWaiter] = []
    }

    private let state = Mutex(State())
    private let stderr: StderrTail

    /// Starts `command` (argv; the first word is looked up in PATH) with `environment` added to baysh's own
    /// (less its secrets, see ``inheritedEnvironment(_:)``), in `workingDirectory` when given.
    ///
    /// Throws ``SessionError/configuration(_:)`` naming the command when it cannot be started (not found, not
    /// executable, no such working directory).
    public static func start(
        command: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
        stderr destination: StderrDestination = .discard
    ) throws -> ServerProcess {
        guard let program = command.first, !program.isEmpty else {
            throw SessionError.invalidArgument("no MCP server command given: pass the command that starts it")
        }
        let display = command.map(Self.quoteForDisplay).joined(separator: " ")
        if let workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw SessionError.configuration(
                    "cannot start MCP server '\(display)': working directory '\(workingDirectory)' does not exist")
            }
        }
        BrokenPipeSignal.ignore()

        let stderrSink = try StderrSink.open(destination)

        var pipes: [[Int32]] = []
        defer {
            // On failure every descriptor is closed; on success the child ends were closed below.
            for pair in pipes { for end in pair where end >= 0 { close(end) } }
        }
        for _ in 0..<3 {
            var pair: [Int32] = [-1, -1]
            guard bayshlinux_pipe_cloexec(&pair) == 0 else {
                stderrSink.close()
                throw SessionError.transport("cannot create a pipe for '\(display)': \(String(cString: strerror(errno)))")
            }
            pipes.append(pair)
        }
        let (stdinPipe, stdoutPipe, stderrPipe) = (pipes[0], pipes[1], pipes[2])

        let pid: pid_t
        do {
            pid = try Self.spawn(
                command: command, environment: environment, workingDirectory: workingDirectory,
                stdin: stdinPipe[0], stdout: stdoutPipe[1], stderr: stderrPipe[1], display: display)
        } catch {
            stderrSink.close()
            throw error
        }
        // The child has its copies; keep only the parent's ends and hand them on.
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        pipes = []

        let tail = StderrTail()
        tail.start(reading: stderrPipe[0], copyingTo: stderrSink)
        let process = ServerProcess(
            display: display, pid: pid, stdin: stdinPipe[1], stdout: stdoutPipe[0], stderr: tail)
        process.watch()
        return process
    }

    private init(display: String, pid: pid_t, stdin: Int32, stdout: Int32, stderr: StderrTail) {
        self.displayCommand = display
        self.pid = pid
        self.stdinDescriptor = stdin
        self.stdoutDescriptor = stdout
        self.stderr = stderr
    }

    /// The last lines the server wrote to stderr (at most 20, secrets masked).
    public var stderrTail: [String] { stderr.lines }

    /// True once the child has exited and been reaped.
    public var hasExited: Bool { state.withLock { $0.exitStatus != nil } }

    /// The exit status once the child has exited: the exit code, or 128 + the signal number when a signal ended it
    /// (as a shell reports it). Nil while it runs or when the status could not be read.
    public var exitStatus: Int32? { state.withLock { $0.exitStatus ?? nil } }

    /// Calls `handler` once when the child exits (at once if it already has), after its stderr has been read.
    public func onExit(_ handler: @escaping @Sendable (Int32?) -> Void) {
        let status: Int32?? = state.withLock { state in
            if state.exitStatus == nil { state.handlers.append(handler) }
            return state.exitStatus
        }
        if let status { handler(status) }
    }

    /// Waits for the child to exit, at most `timeout`. Returns whether it has.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Bool {
        if hasExited { return true }
        // One continuation resumed by whichever comes first, the exit or the timer. (A task group raced here: a
        // waiter that registered after the timer had fired waited for an exit that might never come.)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiter = ExitWaiter(continuation)
            let exited = state.withLock { state -> Bool in
                if state.exitStatus != nil { return true }
                state.waiters.append(waiter)
                return false
            }
            if exited {
                waiter.resume()
                return
            }
            waiter.startTimer(timeout)
        }
        return hasExited
    }

    /// Ends the server's process group: SIGTERM, then SIGKILL if the server is still there after `grace`. Safe to
    /// call after it has exited.
    public func terminate(grace: Duration = .seconds(2)) async {
        guard !hasExited else { return }
        kill(-pid, SIGTERM)
        if await waitForExit(timeout: grace) { return }
        kill(-pid, SIGKILL)
        await waitForExit(timeout: .seconds(5))
    }

    private func watch() {
        let thread = Thread { [self] in
            var raw: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &raw, 0) } while result < 0 && errno == EINTR
            let status: Int32? =
                result == pid ? ((raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)) : nil
            // Grandchildren may still hold stderr; wait a little for the lines that explain the exit.
            _ = stderr.waitUntilDrained(timeout: .milliseconds(500))
            let (handlers, waiters) = state.withLock { state in
                state.exitStatus = .some(status)
                defer {
                    state.handlers.removeAll()
                    state.waiters.removeAll()
                }
                return (state.handlers, state.waiters)
            }
            for handler in handlers { handler(status) }
            for waiter in waiters { waiter.resume() }
        }
        thread.name = "baysh-mcp-wait"
        thread.start()
    }

    /// Variables always withheld from a started server unless given with `--env` (or a config file's `env`).
    public static let withheldVariables: Set<String> = ["AGENTBAY_API_KEY"]

    /// baysh's environment as a server inherits it: without baysh's own secrets, which a third-party server has
    /// no business reading: the AgentBay key and any variable whose value is a secret baysh holds (the
    /// `--bearer-env` token, the `--api-key-env` key). The explicit `environment` of ``start`` adds them back.
    static func inheritedEnvironment(_ environment: [String: String]) -> [String: String] {
        environment.filter { name, value in !withheldVariables.contains(name) && !Redactor.shared.isSecret(value) }
    }

    private static func spawn(
        command: [String], environment: [String: String], workingDirectory: String?,
        stdin: Int32, stdout: Int32, stderr: Int32, display: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, stdout, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, stderr, STDERR_FILENO)
        if let workingDirectory {
            bayshlinux_spawn_add_chdir(&actions, workingDirectory)
        }
        // Descriptors other threads opened without close-on-exec must not leak into a long-lived server.
        bayshlinux_spawn_add_closefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &pipeSignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var merged = inheritedEnvironment(ProcessInfo.processInfo.environment)
        merged.merge(environment) { _, added in added }
        let argv = command.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        var pid: pid_t = 0
        let result = posix_spawnp(&pid, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            let reason: String
            switch result {
            case ENOENT: reason = "'\(command[0])' was not found (check the command and PATH)"
            case EACCES: reason = "'\(command[0])' is not executable"
            default: reason = String(cString: strerror(result))
            }
            throw SessionError.configuration("cannot start MCP server '\(display)': \(reason)")
        }
        return pid
    }

    private static func quoteForDisplay(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@+,%".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// One ``ServerProcess/waitForExit(timeout:)`` call: resumed once, by the exit or by its timer, whichever is first.
private final class ExitWaiter: Sendable {
    private let continuation: Mutex<CheckedContinuation<Void, Never>?>
    private let timer = Mutex<DeadlineWatch.Ticket?>(nil)

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = Mutex(continuation)
    }

    func startTimer(_ timeout: Duration) {
        let ticket = DeadlineWatch.shared.arm(after: timeout) { [self] in resume() }
        timer.withLock { $0 = ticket }
    }

    func resume() {
        guard let waiting = continuation.withLock({ $0.take() }) else { return }
        waiting.resume()
        if let ticket = timer.withLock({ $0.take() }) { DeadlineWatch.shared.disarm(ticket) }
    }
}
