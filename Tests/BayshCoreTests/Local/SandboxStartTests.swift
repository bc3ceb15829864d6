import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Opening a sandbox waits only until bubblewrap has made its namespaces; the first call waits for the rest. What
/// that must not change: a sandbox closed before it is ready leaves nothing behind, and one that fails after its
/// namespaces fails the first call at once with bubblewrap's reason.
@Suite(.serialized) struct SandboxStartTests {
    private static func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "/baysh-sandbox-start-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
    }

    /// This process's sandbox host folders.
    private static func hostFolders() -> Set<String> {
        let mine = Sandbox.folderPrefix + "\(getpid())-"
        return Set(((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []).filter {
            $0.hasPrefix(mine)
        })
    }

    @Test func closingBeforeTheFirstCallLeavesNothing() async throws {
        let workspace = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let before = Self.hostFolders()
        for _ in 0..<10 {
            let sandbox = try Sandbox(
                workspace: workspace, settings: SandboxSettings(), environment: ProcessInfo.processInfo.environment)
            let bubblewrap = try #require(sandbox.bubblewrapPid)
            let parents = SandboxAgent.processParents()
            let inside = parents.filter { $0.value == bubblewrap }.map(\.key)
            // bubblewrap has made the namespaces: its child, the sandbox's PID 1, exists.
            #expect(inside.count == 1, "children of bubblewrap: \(inside)")
            sandbox.close()
            for pid in [bubblewrap] + inside {
                #expect(await ProcessChecks.isGone(pid), "sandbox process \(pid) outlived close()")
            }
        }
        #expect(Self.hostFolders() == before)
    }

    @Test func aSandboxThatFailsAfterItsNamespacesFailsTheFirstCallWithBubblewrapsReason() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Reports a child like bubblewrap does once its namespaces exist, then fails the way a mount can fail.
        let fake = folder + "/bwrap"
        try """
            #!/bin/sh
            sleep 30 3>&- </dev/null >/dev/null 2>&1 &
            printf '{\\n    "child-pid": %d\\n}\\n' $! >&3
            echo $! >\(folder)/child.pid
            exec 3>&-
            echo 'bwrap: Cannot mount proc on /newroot/proc: Operation not permitted' >&2
            exit 1
            """.write(toFile: fake, atomically: false, encoding: .utf8)
        chmod(fake, 0o755)
        let sandbox = try Sandbox(
            workspace: folder, settings: SandboxSettings(), environment: ["PATH": folder + ":/usr/bin:/bin"])
        defer { sandbox.close() }
        let started = ContinuousClock.now
        for _ in 0..<2 {
            do {
                _ = try await sandbox.run(script: { _ in "echo never" }, timeout: .seconds(5), cap: 1000)
                Issue.record("a call ran in a sandbox that could not start")
            } catch let failure as ToolFailure {
                #expect(failure.message.contains(
                    "could not start: bwrap: Cannot mount proc on /newroot/proc: Operation not permitted"),
                    "\(failure.message)")
                #expect(failure.message.contains("--no-sandbox"), "\(failure.message)")
            }
        }
        #expect(ContinuousClock.now - started < .seconds(3), "the failing calls took \(ContinuousClock.now - started)")
        // The reported child (the fake's `sleep`, standing for the sandbox's PID 1) was ended with the sandbox.
        let child = try #require(Int32(try String(contentsOfFile: folder + "/child.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await ProcessChecks.isGone(child), "the sandbox's reported child \(child) outlived it")
    }
}
