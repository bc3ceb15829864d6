import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// The local session's bubblewrap sandbox, attacked through `shell` and `run_code` the way a replayed transcript
/// or a slip at the prompt would: every way out fails, and ordinary work in the workspace still works.
@Suite(.serialized) struct SandboxTests {
    /// Runs `command` and returns stdout, stderr and the exit code.
    static func shell(_ fixture: LocalFixture, _ command: String) async throws -> (out: String, err: String, code: Int) {
        let fields = try LocalFixture.shellFields(try await fixture.call("shell", ["command": .string(command)]))
        return (fields["stdout"]?.stringValue ?? "", fields["stderr"]?.stringValue ?? "", fields["exit_code"]?.intValue ?? -1)
    }

    @Test func normalWorkInTheWorkspaceWorks() async throws {
        let fixture = try LocalFixture()
        let run = try await Self.shell(
            fixture, "mkdir -p a/b && cd a/b && echo hi > f && pwd && cat f | tr a-z A-Z && python3 -c 'print(6*7)'")
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out == "\(fixture.workspace)/a/b\nHI\n42\n")
        #expect(fixture.contents("a/b/f") == "hi\n")
        let home = try await Self.shell(fixture, "echo \"$HOME\" && touch ~/x && ls -A ~ && ls -A /tmp | wc -l")
        #expect(home.code == 0, "\(home.err)")
        #expect(home.out.contains("x\n"))
    }

    @Test func outsideFilesCannotBeRead() async throws {
        let fixture = try LocalFixture()
        let nextToWorkspace = fixture.session.workspaceURL.deletingLastPathComponent().path
        let hostHome = try #require(ProcessInfo.processInfo.environment["HOME"])
        let homeFile = hostHome + "/.baysh-sandbox-test-\(UUID().uuidString)"
        try "home secret\n".write(toFile: homeFile, atomically: false, encoding: .utf8)
        defer { unlink(homeFile) }
        for path in [
            fixture.outside.path + "/secret.txt", nextToWorkspace + "/\(fixture.session.sessionId).json", homeFile,
            "/etc/shadow", "/proc/1/root/etc/shadow", "/proc/1/root" + fixture.outside.path + "/secret.txt",
            "/proc/self/root" + homeFile, "/root/.bash_history",
        ] {
            let run = try await Self.shell(fixture, "cat '\(path)'")
            #expect(run.code != 0 && run.out.isEmpty, "\(path) was readable: \(run.out)")
        }
        let listing = try await Self.shell(fixture, "ls -A /; ls -A /etc; ls -A \"$HOME\" | wc -l")
        #expect(!listing.out.contains("work\n") && !listing.out.contains("shadow") && !listing.out.contains("home\n"))
        #expect(listing.out.hasSuffix("\n0\n"), "\(listing.out)")
        let passwd = try await Self.shell(fixture, "cat /etc/passwd | wc -l")
        #expect(passwd.out.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }

    @Test func outsideCannotBeWritten() async throws {
        let fixture = try LocalFixture()
        let target = fixture.outside.path + "/planted.txt"
        let marker = "/tmp/baysh-sandbox-planted-\(UUID().uuidString)"
        for command in ["echo x > '\(target)'", "touch /usr/planted", "echo x > /etc/planted", "mkdir /planted"] {
            let run = try await Self.shell(fixture, command)
            #expect(run.code != 0, "\(command) succeeded")
        }
        // /tmp inside is the sandbox's own.
        let tmp = try await Self.shell(fixture, "echo x > '\(marker)' && cat '\(marker)'")
        #expect(tmp.code == 0 && tmp.out == "x\n")
        #expect(!fixture.exists(target) && !fixture.exists(marker) && !fixture.exists("/usr/planted"))
    }

    @Test func processesOfThisMachineCannotBeSignalled() async throws {
        let fixture = try LocalFixture()
        let victim = Process()
        victim.executableURL = URL(fileURLWithPath: "/bin/sleep")
        victim.arguments = ["30"]
        try victim.run()
        defer { victim.terminate() }
        let run = try await Self.shell(fixture, "kill -9 \(victim.processIdentifier)")
        #expect(run.code != 0 && run.err.contains("No such process"), "\(run)")
        // Killing everything it can see ends only the sandbox (the next call starts a new one).
        _ = try await Self.shell(fixture, "kill -9 -1")
        try await Task.sleep(for: .milliseconds(100))
        #expect(victim.isRunning)
        // Only the sandbox's own processes are visible: its init, the agent and this call's.
        let seen = try await Self.shell(fixture, "ls /proc | grep -c '^[0-9]'")
        #expect((Int(seen.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 99) < 10, "\(seen.out)")
    }

    @Test func theNetworkIsOffUnlessAskedFor() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let probe = "python3 -c \"import socket; socket.create_connection(('127.0.0.1', \(listener.port)), timeout=3); print('connected')\""
        let closed = try LocalFixture()
        let refused = try await Self.shell(closed, probe)
        #expect(refused.code != 0 && !refused.out.contains("connected"), "\(refused)")
        let open = try LocalFixture(labels: ["network": "on"])
        #expect(open.session.sandboxSettings.network)
        let reached = try await Self.shell(open, probe)
        #expect(reached.code == 0 && reached.out == "connected\n", "\(reached.err)")
        #expect(open.session.confinement?.contains("network on") == true)
        #expect(closed.session.confinement?.contains("network off") == true)
    }

    @Test func nothingACallStartsOutlivesIt() async throws {
        let fixture = try LocalFixture()
        let run = try await Self.shell(
            fixture,
            "sleep 1001 >/dev/null 2>&1 & setsid sleep 1002 >/dev/null 2>&1 & (sleep 1003 >/dev/null 2>&1 &) ; nohup sleep 1004 >/dev/null 2>&1 & echo started")
        #expect(run.out == "started\n")
        for name in ["sleep 1001", "sleep 1002", "sleep 1003", "sleep 1004"] {
            #expect(await fixture.sandboxRunsNothing(like: name), "\(name) survived")
        }
        let code = try await fixture.call(
            "run_code",
            ["code": "import subprocess\nsubprocess.Popen(['sleep', '1005'], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\nprint('spawned')",
             "timeout_s": 10])
        #expect(!code.isError, "\(code.text)")
        #expect(await fixture.sandboxRunsNothing(like: "sleep 1005"))
    }

    @Test func symlinksMadeByTheShellDoNotLeadTheFileToolsOut() async throws {
        let fixture = try LocalFixture()
        let made = try await Self.shell(fixture, "ln -s / escape && ln -s '\(fixture.outside.path)' out && ls -l")
        #expect(made.code == 0, "\(made.err)")
        for path in ["escape/etc/passwd", "out/secret.txt"] {
            let read = try await fixture.call("read_file", ["path": .string(path)])
            #expect(read.isError && !read.text.contains("top secret") && !read.text.contains("root:"), "\(path): \(read.text)")
        }
        let write = try await fixture.call("write_file", ["path": "out/planted.txt", "content": "x"])
        #expect(write.isError && !fixture.exists(fixture.outside.path + "/planted.txt"))
        // Inside the sandbox the link to / is the sandbox's own root.
        let inside = try await Self.shell(fixture, "cat escape/etc/shadow; ls escape")
        #expect(!inside.out.contains("work"))
    }

    @Test func limitsStopRunawayFilesAndMemory() async throws {
        let fixture = try LocalFixture(sandbox: SandboxSettings(memoryBytes: 256 << 20, fileSizeBytes: 1 << 20))
        let big = try await Self.shell(fixture, "head -c 2000000 /dev/zero > big; echo $?; wc -c < big")
        #expect(big.out.hasSuffix("1048576\n"), "\(big)")
        let memory = try await fixture.call(
            "run_code", ["code": "b = bytearray(600 * 1024 * 1024)\nprint('allocated')"])
        #expect(memory.isError && !memory.text.contains("allocated") && memory.text.contains("MemoryError"))
        let info = try await fixture.session.info()
        #expect(info["sandbox"]?.contains("memory 256 MiB, file size 1 MiB") == true)
    }

    @Test func runCodeRunsPythonAndJavaScriptInTheWorkspace() async throws {
        let fixture = try LocalFixture()
        try fixture.put("data.txt", "21\n")
        let python = try await fixture.call(
            "run_code", ["code": "import os\nprint(int(open('data.txt').read()) * 2, os.getcwd())", "language": "python"])
        #expect(!python.isError, "\(python.text)")
        let fields = try LocalFixture.shellFields(python)
        #expect(fields["stdout"] == .array([.string("42 \(fixture.workspace)\n")]))
        #expect(fields["result"] == .array([]) && fields["stderr"] == .array([]) && fields["executionError"] == "")
        #expect(fields["execution_count"] == 1 && (fields["execution_time"]?.doubleValue ?? fields["execution_time"]?.intValue.map(Double.init)) != nil)
        let javascript = try await fixture.call(
            "run_code", ["code": "console.log(require('fs').readFileSync('data.txt', 'utf8').trim() * 2)",
                         "language": "javascript"])
        #expect(try LocalFixture.shellFields(javascript)["stdout"] == .array(["42\n"]), "\(javascript.text)")
        let failing = try await fixture.call("run_code", ["code": "raise ValueError('bad')"])
        #expect(failing.isError)
        let failed = try LocalFixture.shellFields(failing)
        #expect(failed["executionError"] == "python3 exited with code 1")
        #expect(failed["stderr"]?.arrayValue?.first?.stringValue?.contains("ValueError: bad") == true)
        #expect(failed["execution_count"] == 3)
        let slow = try await fixture.call("run_code", ["code": "while (true) {}", "language": "javascript", "timeout_s": 1])
        #expect(slow.isError && slow.text.contains("timed out after 1 s"))
        let other = try await fixture.call("run_code", ["code": "1", "language": "ruby"])
        #expect(other.isError && other.text.contains("'python', 'javascript'"))
    }

    @Test func runCodeCannotEscapeEither() async throws {
        let fixture = try LocalFixture()
        let listener = try LoopbackListener()
        defer { listener.close() }
        let python = try await fixture.call("run_code", ["code": .string("""
            import os, socket
            for path in ['/etc/shadow', '\(fixture.outside.path)/secret.txt', '/proc/1/root/etc/shadow']:
                try:
                    print('READ', open(path).read())
                except OSError as error:
                    print('refused', path)
            try:
                open('\(fixture.outside.path)/planted', 'w').write('x')
                print('WROTE')
            except OSError:
                print('refused write')
            try:
                socket.create_connection(('127.0.0.1', \(listener.port)), timeout=3)
                print('CONNECTED')
            except OSError:
                print('refused connect')
            """)])
        let out = try LocalFixture.shellFields(python)["stdout"]?.arrayValue?.first?.stringValue ?? ""
        #expect(out.components(separatedBy: "refused").count == 6, "\(python.text)")
        #expect(!out.contains("READ") && !out.contains("WROTE") && !out.contains("CONNECTED"))
        let javascript = try await fixture.call("run_code", ["language": "javascript", "code": .string(
            "try { require('fs').readFileSync('\(fixture.outside.path)/secret.txt'); console.log('READ') } catch (e) { console.log('refused') }")])
        #expect(try LocalFixture.shellFields(javascript)["stdout"] == .array(["refused\n"]), "\(javascript.text)")
    }

    @Test func aMissingRuntimeSaysWhatToInstall() throws {
        #expect(throws: ToolFailure.self) { try RunCodeTool.program(for: "javascript", searchPath: "/nonexistent") }
        do {
            _ = try RunCodeTool.program(for: "python", searchPath: "/nonexistent")
        } catch {
            #expect(String(describing: error).contains("python needs python3, which is not installed"))
            #expect(String(describing: error).contains("apt-get install python3"))
        }
        #expect(try RunCodeTool.program(for: "python", searchPath: "/usr/bin") == "python3")
    }

    @Test func withoutTheSandboxCommandsRunUnconfined() async throws {
        let fixture = try LocalFixture(sandbox: SandboxSettings(enabled: false))
        #expect(fixture.session.sandbox == nil)
        #expect(fixture.session.confinement?.contains("OFF (--no-sandbox)") == true)
        let run = try await Self.shell(fixture, "cat '\(fixture.outside.path)/secret.txt'")
        #expect(run.out == "top secret\n")
        let code = try await fixture.call("run_code", ["code": "print('plain')"])
        #expect(try LocalFixture.shellFields(code)["stdout"] == .array(["plain\n"]))
        let timed = try await fixture.call(
            "shell", ["command": "sleep 30 & echo $! > bg.pid; sleep 30", "timeout_ms": 300])
        #expect(timed.isError)
        let pid = try #require(Int32(fixture.contents("bg.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(await ProcessChecks.isGone(pid))
    }

    @Test func aSandboxKilledFromInsideIsReplacedOnTheNextCall() async throws {
        let fixture = try LocalFixture()
        _ = try? await Self.shell(fixture, "kill -9 1 2 2>/dev/null; kill -9 $PPID; sleep 1")
        let next = try await Self.shell(fixture, "echo again")
        #expect(next.out == "again\n", "\(next)")
    }

    @Test func foldersOfSandboxesWhoseBayshWasKilledAreRemoved() throws {
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let stale = NSTemporaryDirectory() + "/\(Sandbox.folderPrefix)\(gone.processIdentifier)-test\(UUID().uuidString.prefix(6))"
        let live = NSTemporaryDirectory() + "/\(Sandbox.folderPrefix)\(getpid())-test\(UUID().uuidString.prefix(6))"
        for folder in [stale, live] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false) }
        defer { try? FileManager.default.removeItem(atPath: live) }
        _ = try LocalFixture()
        #expect(!FileManager.default.fileExists(atPath: stale) && FileManager.default.fileExists(atPath: live))
    }

    @Test func noBubblewrapMeansARefusalThatSaysWhatToDo() {
        #expect(throws: SandboxError.self) { try Sandbox.findBubblewrap(searchPath: "/nonexistent") }
        #expect((try? Sandbox.findBubblewrap(searchPath: "/usr/bin")) == "/usr/bin/bwrap")
    }
}

/// A TCP listener on 127.0.0.1 that accepts nothing: a connection reaching it completes in the kernel's backlog.
final class LoopbackListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            Glibc.close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard port > 0 else { throw POSIXError(.EADDRNOTAVAIL) }
    }

    func close() { Glibc.close(fd) }
}
