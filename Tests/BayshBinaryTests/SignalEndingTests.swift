import AgentBayFake
import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Issue 12, point 3: SIGTERM, SIGHUP and a SIGINT outside a terminal end the real `baysh` cleanly: the session it
/// created is deleted (or named with the command that deletes it), and stdio servers are stopped, even one that
/// ignores end of input and SIGTERM, or one stuck in its handshake.
@Suite("hostile peers: signals", .serialized)
struct SignalEndingTests {
    /// A baysh reading a script from a pipe that stays open, so it sits waiting for the next line.
    struct Waiting {
        let process: Process
        let stdin: Pipe
        let stdout: Pipe
        let stderr: Pipe

        init(_ baysh: BayshProcess, _ arguments: [String]) throws {
            (process, stdin, stdout, stderr) = try baysh.started(arguments)
        }

        /// Sends `signal` and waits for the exit; gives the status as a shell shows it and stderr.
        func stop(with signal: Int32, within limit: Duration = .seconds(15)) async throws -> (Int32, String) {
            kill(process.processIdentifier, signal)
            let deadline = ContinuousClock.now + limit
            while process.isRunning {
                guard ContinuousClock.now < deadline else {
                    kill(process.processIdentifier, SIGKILL)
                    throw MCPFixtures.FixtureMissing(message: "baysh did not exit within \(limit) of signal \(signal)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            try? stdin.fileHandleForWriting.close()
            let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let status = process.terminationReason == .uncaughtSignal
                ? 128 + process.terminationStatus : process.terminationStatus
            return (status, text)
        }

        /// Sends `line` and waits until stdout shows `marker`: the session is open and the shell is reading.
        func run(_ line: String, until marker: String, timeout: Duration = .seconds(30)) async throws {
            stdin.fileHandleForWriting.write(Data((line + "\n").utf8))
            let descriptor = stdout.fileHandleForReading.fileDescriptor
            var seen = ""
            let deadline = ContinuousClock.now + timeout
            while !seen.contains(marker) {
                guard ContinuousClock.now < deadline, process.isRunning else {
                    throw MCPFixtures.FixtureMissing(message: "baysh never printed '\(marker)'; got '\(seen)'")
                }
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 100) == 1 else { continue }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(descriptor, &buffer, buffer.count)
                if count > 0 { seen += String(decoding: buffer[..<count], as: UTF8.self) }
            }
        }
    }

    @Test(arguments: [SIGTERM, SIGHUP, SIGINT])
    func aLocalSessionIsDeletedOnASignal(signal: Int32) async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let shell = try Waiting(baysh, ["--local"])
        try await shell.run(":session", until: "id:")
        #expect(baysh.sessionRecords.count == 1)
        // A SIGINT while `:session` is still being printed stops the printing (as Ctrl-C does), not baysh: give
        // the shell a moment to go back to reading.
        try await Task.sleep(for: .milliseconds(300))
        let (status, stderr) = try await shell.stop(with: signal)
        #expect(status == 128 + signal, "\(stderr)")
        #expect(stderr.contains("; deleted session local-"), "\(stderr)")
        #expect(baysh.sessionRecords.isEmpty)
        let folders = (try? FileManager.default.contentsOfDirectory(
            atPath: baysh.root.appendingPathComponent("data/baysh/sessions").path)) ?? []
        #expect(folders.isEmpty, "workspace left behind: \(folders)")
    }

    @Test func aKeptSessionIsKeptOnSIGTERM() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let shell = try Waiting(baysh, ["--local"])
        shell.stdin.fileHandleForWriting.write(Data(":keep\n".utf8))
        try await shell.run(":session", until: "kept on exit")
        let (status, stderr) = try await shell.stop(with: SIGTERM)
        #expect(status == 143)
        #expect(stderr.contains("stopped by SIGTERM; kept session local-"), "\(stderr)")
        #expect(baysh.sessionRecords.count == 1)
    }

    /// Closing the terminal (SIGHUP) deletes the AgentBay session baysh created.
    @Test func anAgentBaySessionIsDeletedOnSIGHUP() async throws {
        try await AgentBayShellTests.withFake { fake, baysh in
            let shell = try Waiting(baysh, [])
            try await shell.run(":session", until: "id:")
            let id = try #require(fake.sessionIds.first)
            #expect(fake.status(ofSession: id) == "RUNNING")
            let (status, stderr) = try await shell.stop(with: SIGHUP)
            #expect(status == 129, "\(stderr)")
            #expect(stderr.contains("stopped by SIGHUP; deleted session \(id)"), "\(stderr)")
            #expect(fake.status(ofSession: id) != "RUNNING")
        }
    }

    /// A deletion AgentBay never confirms does not hold baysh: after a few seconds it names the session and the
    /// command that deletes it.
    @Test func aDeletionThatNeverFinishesIsBoundedAndNamed() async throws {
        try await AgentBayShellTests.withFake { fake, baysh in
            var options = fake.options
            options.deletingPolls = 1_000_000
            fake.options = options
            let shell = try Waiting(baysh, [])
            try await shell.run(":session", until: "id:")
            let id = try #require(fake.sessionIds.first)
            let started = ContinuousClock.now
            let (status, stderr) = try await shell.stop(with: SIGTERM)
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(status == 143)
            #expect(stderr.contains("could not delete session \(id)"), "\(stderr)")
            #expect(stderr.contains("baysh --agentbay --session-id \(id) -c ':delete'"), "\(stderr)")
        }
    }

    /// A stdio server that ignores end of input and SIGTERM is killed when baysh is stopped.
    @Test func aStubbornStdioServerIsStoppedOnSIGTERM() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let pidFile = baysh.root.appendingPathComponent("server.pid").path
        let command = "\(try MCPFixtures.python) \(HostileFixtures.stubbornStdio) \(pidFile)"
        let shell = try Waiting(baysh, ["--mcp", command, "--server-stderr", "discard"])
        try await shell.run(":tools", until: "noop")
        try await Self.expectServerStopped(pidFile: pidFile, by: SIGTERM, of: shell)
    }

    /// Ctrl-C while a stdio server never answers `initialize`: baysh ends and so does the server (it was left
    /// running before, in a process group of its own).
    @Test func ctrlCDuringAHangingHandshakeStopsTheServer() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let pidFile = baysh.root.appendingPathComponent("server.pid").path
        let command = "\(try MCPFixtures.python) \(HostileFixtures.stubbornStdio) \(pidFile) --mute"
        let shell = try Waiting(baysh, ["--mcp", command, "--server-stderr", "discard"])
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: pidFile) || (try? String(contentsOfFile: pidFile, encoding: .utf8))?.isEmpty != false {
            guard ContinuousClock.now < deadline else { throw MCPFixtures.FixtureMissing(message: "no server pid") }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Self.expectServerStopped(pidFile: pidFile, by: SIGINT, of: shell)
    }

    /// Signals baysh and checks it ended with 128 + the signal and took the server whose pid is in `pidFile` along.
    static func expectServerStopped(pidFile: String, by signal: Int32, of shell: Waiting) async throws {
        let pid = try #require(pid_t(try String(contentsOfFile: pidFile, encoding: .utf8)))
        let (status, stderr) = try await shell.stop(with: signal, within: .seconds(10))
        #expect(status == 128 + signal, "\(stderr)")
        let gone = await ProcessChecks.isGone(pid)
        #expect(gone, "the server \(pid) is still running")
        if !gone { kill(pid, SIGKILL) }
    }
}
