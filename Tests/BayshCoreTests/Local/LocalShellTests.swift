import Foundation
import MCP
import Testing

@testable import BayshCore

/// The `shell` tool with real `/bin/sh` processes: result shape, environment, folder, timeouts and Ctrl-C that
/// leave no process behind, and the output cap.
@Suite struct LocalShellTests {
    @Test func successGivesTheCloudJSON() async throws {
        let fixture = try LocalFixture()
        let result = try await fixture.call("shell", ["command": "echo out; echo err >&2"])
        #expect(!result.isError)
        let fields = try LocalFixture.shellFields(result)
        #expect(fields["stdout"] == "out\n")
        #expect(fields["stderr"] == "err\n")
        #expect(fields["exit_code"] == 0)
        #expect(fields["errorCode"] == nil)
        #expect(fields["traceId"]?.stringValue?.count == 32)
        #expect(result.requestId?.hasPrefix("local-") == true)
        #expect(result.elapsed > .zero)
    }

    @Test func failureKeepsBothExitCodeNames() async throws {
        let fixture = try LocalFixture()
        let result = try await fixture.call("shell", ["command": "echo partial; exit 3"])
        #expect(result.isError)
        let fields = try LocalFixture.shellFields(result)
        #expect(fields["exit_code"] == 3)
        #expect(fields["errorCode"] == 3)
        #expect(fields["stdout"] == "partial\n")
        let signalled = try LocalFixture.shellFields(try await fixture.call("shell", ["command": "kill -TERM $$"]))
        #expect(signalled["exit_code"] == 143)
    }

    @Test func runsInTheWorkspaceWithEnvsAndCwd() async throws {
        let fixture = try LocalFixture()
        try fixture.put("sub/marker", "")
        let here = try LocalFixture.shellFields(try await fixture.call("shell", ["command": "pwd; ls"]))
        #expect(here["stdout"] == .string(fixture.workspace + "\nsub\n"))
        let sub = try LocalFixture.shellFields(
            try await fixture.call("shell", ["command": "pwd; echo \"$GREETING $PWD\"", "cwd": "sub",
                                             "envs": ["GREETING": "hi there"]]))
        #expect(sub["stdout"] == .string("\(fixture.workspace)/sub\nhi there \(fixture.workspace)/sub\n"))
        let stdin = try LocalFixture.shellFields(try await fixture.call("shell", ["command": "cat; echo done"]))
        #expect(stdin["stdout"] == "done\n")
    }

    @Test func badArgumentsAreErrors() async throws {
        let fixture = try LocalFixture()
        let timeout = try await fixture.call("shell", ["command": "true", "timeout_ms": 0])
        #expect(timeout.isError && timeout.text.contains("from 1 to 600000"))
        let envs = try await fixture.call("shell", ["command": "true", "envs": ["A": 1]])
        #expect(envs.isError && envs.text.contains("'envs' must be an object of string values"))
        let name = try await fixture.call("shell", ["command": "true", "envs": ["A=B": "c"]])
        #expect(name.isError && name.text.contains("'A=B'"))
        let cwd = try await fixture.call("shell", ["command": "true", "cwd": "nowhere"])
        #expect(cwd.isError && cwd.text.contains("does not exist"))
        let command = try await fixture.call("shell", ["command": ["ls"]])
        #expect(command.isError && command.text.contains("'command' must be a string, not an array"))
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        let fixture = try LocalFixture()
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await fixture.call(
            "shell", ["command": "sleep 30 & echo $! > bg.pid; echo started; sleep 30", "timeout_ms": 400])
        #expect(started.duration(to: clock.now) < .seconds(15))
        #expect(result.isError)
        let fields = try LocalFixture.shellFields(result)
        #expect(fields["exit_code"] == 124)
        #expect(fields["stdout"] == "started\n")
        #expect(fields["stderr"]?.stringValue?.contains("timed out after 400 ms") == true)
        #expect(fixture.contents("bg.pid")?.hasSuffix("\n") == true)
        #expect(await fixture.sandboxRunsNothing(like: "sleep 30"))
    }

    @Test func cancellingTheTaskKillsTheCommandPromptly() async throws {
        let fixture = try LocalFixture()
        let session = fixture.session
        let call = Task {
            try await session.callTool(
                name: "shell", arguments: ["command": "sleep 30 & echo $! > bg.pid; sleep 30", "timeout_ms": 60000])
        }
        let clock = ContinuousClock()
        let waitStart = clock.now
        while fixture.contents("bg.pid")?.hasSuffix("\n") != true && waitStart.duration(to: clock.now) < .seconds(60) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(fixture.sandboxCommands().contains { $0.contains("sleep 30") })
        let cancelled = clock.now
        call.cancel()
        await #expect(throws: SessionError.cancelled(operation: "shell")) { try await call.value }
        #expect(cancelled.duration(to: clock.now) < .seconds(10))
        #expect(await fixture.sandboxRunsNothing(like: "sleep 30"))
    }

    @Test func readTimeoutCapsTheCommand() async throws {
        let fixture = try LocalFixture()
        let result = try await fixture.session.callTool(
            name: "shell", arguments: ["command": "sleep 5"], options: CallOptions(readTimeout: .milliseconds(200)))
        #expect(result.isError)
        #expect(try LocalFixture.shellFields(result)["exit_code"] == 124)
    }

    @Test func outputIsCappedPerStreamAndBothStreamsDrain() async throws {
        let fixture = try LocalFixture()
        let result = try await fixture.call(
            "shell",
            ["command": "head -c 2000000 /dev/zero | tr '\\0' o; head -c 300000 /dev/zero | tr '\\0' e >&2; echo end"])
        #expect(!result.isError)
        let fields = try LocalFixture.shellFields(result)
        let stdout = try #require(fields["stdout"]?.stringValue)
        #expect(stdout.hasPrefix(String(repeating: "o", count: 1000)))
        #expect(stdout.hasSuffix("\n[output truncated: \(2_000_004 - (1 << 20)) bytes dropped]"))
        #expect(fields["stderr"]?.stringValue?.count == 300_000)
    }

    @Test func backgroundOutputHolderIsExplainedOnTimeout() async throws {
        // Without the sandbox a call waits for its output to close; in it, a call ends with its shell.
        let fixture = try LocalFixture(sandbox: SandboxSettings(enabled: false))
        let result = try await fixture.call("shell", ["command": "sleep 30 &", "timeout_ms": 300])
        let stderr = try LocalFixture.shellFields(result)["stderr"]?.stringValue ?? ""
        #expect(stderr.contains("background process kept its output open"))
    }

    @Test func inTheSandboxACallEndsWithItsShellAndTakesItsBackgroundJobs() async throws {
        let fixture = try LocalFixture()
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await fixture.call("shell", ["command": "sleep 30 & echo started", "timeout_ms": 20000])
        #expect(started.duration(to: clock.now) < .seconds(10))
        let stdout = try LocalFixture.shellFields(result)["stdout"]
        #expect(!result.isError && stdout == "started\n")
        #expect(await fixture.sandboxRunsNothing(like: "sleep 30"))
    }
}
