import CBayshLinux
import Foundation
import Synchronization

/// A local session's bubblewrap sandbox: started when the session opens, one for the session's life, with every
/// `shell` and `run_code` call run inside it by a small agent (``SandboxAgent``), one call at a time. Opening
/// waits only until bubblewrap has made the namespaces (where a sandbox that cannot work fails); the first call
/// waits for the rest, so `baysh -c ':quit'` and sessions without commands do not.
///
/// A call's command, environment and code reach the agent as files in a private host folder that the sandbox sees
/// read-only at ``exchangeMount``; its output comes back through two FIFOs there, so the usual output collector
/// (caps, timeouts, Ctrl-C) reads it like a child's pipes. After every call the agent kills everything the call
/// started, before it answers. If something inside kills the agent, the next call starts a new sandbox (a fresh
/// `/tmp` and HOME).
final class Sandbox: Sendable {
    /// Where the exchange folder appears inside.
    static let exchangeMount = "/run/baysh"
    static let startTimeout: Duration = .seconds(10)

    let settings: SandboxSettings
    let layout: SandboxLayout
    /// ``SandboxLayout/baseEnvironment(host:)``, worked out once (it reads the password database).
    let baseEnvironment: [String: String]
    private let bwrap: String
    /// The private host folder (mode 0700) holding the exchange folder, bubblewrap's log and passwd/group.
    private let control: String
    private let agent = Mutex<SandboxAgent?>(nil)
    private let turns = CallTurns()
    private let counter = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    /// Starts the sandbox for `workspace`; throws ``SandboxError/cannotStart(_:)`` saying why it cannot (see
    /// ``SandboxAgent/init(bwrap:arguments:limits:log:startTimeout:)`` for how far it waits).
    init(workspace: String, settings: SandboxSettings, environment: [String: String]) throws {
        self.settings = settings
        bwrap = try Self.findBubblewrap(searchPath: environment["PATH"])
        Self.removeLeftovers()
        var template = Array((NSTemporaryDirectory() + "/\(Self.folderPrefix)\(getpid())-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SandboxError.cannotStart("cannot create a folder under \(NSTemporaryDirectory()): "
                + String(cString: strerror(errno)))
        }
        control = URL(fileURLWithPath: String(cString: made)).standardizedFileURL.path
        let exchange = control + "/io"
        layout = SandboxLayout(
            workspace: workspace, home: SandboxLayout.home(hostHome: environment["HOME"], workspace: workspace),
            exchange: exchange, passwdFile: control + "/passwd", groupFile: control + "/group",
            network: settings.network)
        baseEnvironment = layout.baseEnvironment()
        do {
            guard mkdir(exchange, 0o700) == 0 else {
                throw SandboxError.cannotStart("cannot create \(exchange): \(String(cString: strerror(errno)))")
            }
            try Data(layout.passwd().utf8).write(to: URL(fileURLWithPath: layout.passwdFile))
            try Data(layout.group().utf8).write(to: URL(fileURLWithPath: layout.groupFile))
            let started = try startAgent()
            agent.withLock { $0 = started }
        } catch {
            try? FileManager.default.removeItem(atPath: control)
            if error is SandboxError { throw error }
            throw SandboxError.cannotStart(String(describing: error))
        }
    }

    deinit {
        close()
    }

    /// bubblewrap's pid while the sandbox runs (tests look for what runs inside from outside).
    var bubblewrapPid: pid_t? {
        agent.withLock { $0?.isRunning == true ? $0?.pid : nil }
    }

    /// Ends everything in the sandbox and removes the host folder. Safe to call twice.
    func close() {
        closed.store(true, ordering: .sequentiallyConsistent)
        let running = agent.withLock { agent -> SandboxAgent? in
            defer { agent = nil }
            return agent
        }
        running?.stop()
        try? FileManager.default.removeItem(atPath: control)
    }

    /// Runs a call inside the sandbox: `script` (sourced by the agent's `/bin/sh`) is made from the call's path
    /// prefix inside, under which `files` sit as `PREFIX.<key>`. Output is capped like any shell command's, the
    /// call ends with its shell, `timeout` or cancellation, and everything it started is killed then.
    func run(
        script: (_ filesPrefix: String) -> String, files: [String: Data] = [:], timeout: Duration, cap: Int
    ) async throws -> ShellCommand.Outcome {
        await turns.acquire()
        defer { turns.release() }
        try Task.checkCancellation()
        let agent = try liveAgent()
        let number = counter.add(1, ordering: .relaxed).newValue
        let hostBase = layout.exchange + "/\(number)"
        let insideBase = Self.exchangeMount + "/\(number)"
        let names = ["sh", "out", "err"] + files.keys.map { $0 }
        defer { for name in names { unlink(hostBase + "." + name) } }
        let call: SandboxCall
        do {
            try Data(script(insideBase).utf8).write(to: URL(fileURLWithPath: hostBase + ".sh"))
            for (suffix, data) in files { try data.write(to: URL(fileURLWithPath: hostBase + "." + suffix)) }
            call = try SandboxCall(agent: agent, number: number, base: hostBase)
        } catch let error as ToolFailure {
            throw error
        } catch {
            throw ToolFailure("cannot prepare the call in \(layout.exchange): \(error.localizedDescription)")
        }
        guard agent.send("\(number)") else {
            Glibc.close(call.stdout)
            Glibc.close(call.stderr)
            throw ToolFailure("the sandbox ended before the command started; run it again to start a new sandbox")
        }
        return try await ShellCommand.collect(call, timeout: timeout, cap: cap)
    }

    /// The running agent once it is ready (the first call waits for the start the session's opening began),
    /// starting a new sandbox when the last one ended. A sandbox that got past its namespaces but then could not
    /// start fails every call with bubblewrap's reason.
    private func liveAgent() throws -> SandboxAgent {
        if let current = agent.withLock({ $0 }) {
            if let reason = current.waitUntilReady() {
                throw ToolFailure("the session's sandbox could not start: \(reason). " + Self.whatToDo)
            }
            if current.isRunning { return current }
        }
        if closed.load(ordering: .sequentiallyConsistent) {
            throw ToolFailure("the session's sandbox was closed; open the session again")
        }
        do {
            let started = try startAgent()
            agent.withLock { $0 = started }
            if let reason = started.waitUntilReady() { throw SandboxError.cannotStart(reason) }
            return started
        } catch let SandboxError.cannotStart(reason) {
            throw ToolFailure("the sandbox ended and cannot start again: \(reason)")
        }
    }

    /// How to make the sandbox work, or go without it.
    static var whatToDo: String {
        "Install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap) and allow unprivileged user "
            + "namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 and later also "
            + "kernel.apparmor_restrict_unprivileged_userns=0), or start baysh with --no-sandbox to run "
            + "commands unconfined as \(SandboxLayout.userName()) (not recommended)"
    }

    private func startAgent() throws -> SandboxAgent {
        let limits: [(Int32, UInt64)] = [
            (Int32(RLIMIT_AS.rawValue), settings.memoryBytes),
            (Int32(RLIMIT_FSIZE.rawValue), settings.fileSizeBytes),
            (bayshlinux_rlimit_nproc(), settings.processes),
        ]
        return try SandboxAgent(
            bwrap: bwrap, arguments: layout.arguments(environment: baseEnvironment), limits: limits,
            log: control + "/bwrap.log", startTimeout: Self.startTimeout)
    }

    /// The host folders' name start; the pid of the baysh that made one follows.
    static let folderPrefix = "baysh-sandbox-"

    /// Removes the host folders of sandboxes whose baysh is gone without cleaning up (killed with SIGKILL).
    /// Runs at every open, so it reads the folder with `readdir` and makes a string only of names with the prefix:
    /// listing a `/tmp` of 3,000 entries through FileManager cost a few milliseconds of start-up.
    static func removeLeftovers() {
        let temporary = NSTemporaryDirectory()
        guard let folder = opendir(temporary) else { return }
        var names: [String] = []
        let prefix = Array(folderPrefix.utf8CString)
        Workspace.eachName(in: folder) { name in
            if strncmp(name, prefix, prefix.count - 1) == 0 { names.append(String(cString: name)) }
        }
        closedir(folder)
        for name in names {
            guard let pid = pid_t(name.dropFirst(folderPrefix.count).prefix { $0 != "-" }), pid > 0,
                kill(pid, 0) != 0 && errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(atPath: temporary + "/" + name)
        }
    }

    /// `bwrap` on `searchPath` (baysh's PATH; the usual folders when it is unset).
    static func findBubblewrap(searchPath: String?) throws -> String {
        let folders = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for folder in folders where !folder.isEmpty && access(folder + "/bwrap", X_OK) == 0 {
            return folder + "/bwrap"
        }
        throw SandboxError.cannotStart("bubblewrap (bwrap) is not installed (looked in \(folders.joined(separator: ":")))")
    }
}

/// One call's side of the exchange: the FIFOs' read ends, and the agent's answers as its exit status.
private struct SandboxCall: RunningCommand {
    let agent: SandboxAgent
    let number: Int
    let stdout: Int32
    let stderr: Int32

    /// Makes the FIFOs `base.out` and `base.err` and opens their read ends without waiting for a writer.
    init(agent: SandboxAgent, number: Int, base: String) throws {
        for name in [base + ".out", base + ".err"] where mkfifo(name, 0o600) != 0 {
            throw ToolFailure("cannot create the FIFO \(name): \(String(cString: strerror(errno)))")
        }
        let out = open(base + ".out", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        let err = open(base + ".err", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard out >= 0, err >= 0 else {
            let code = errno
            if out >= 0 { Glibc.close(out) }
            if err >= 0 { Glibc.close(err) }
            throw ToolFailure("cannot open the FIFOs \(base).*: \(String(cString: strerror(code)))")
        }
        self.agent = agent
        self.number = number
        stdout = out
        stderr = err
    }

    func killAll() {
        agent.interrupt()
    }

    /// The shell's `$?` as a wait status, once the agent has killed everything else; the agent's end counts as
    /// SIGKILL.
    func waitForExit() -> Int32 {
        let killed: Int32 = (128 + SIGKILL) << 8
        while let line = agent.readLine(timeout: .seconds(24 * 3600)) {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == "\(number)", let code = Int32(parts[1]) { return (code & 0xff) << 8 }
        }
        return killed
    }
}

/// Calls into one sandbox take turns, first come first served: the agent's answers and its kill-everything
/// between calls assume one call at a time.
private final class CallTurns: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if !state.busy {
                    state.busy = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
