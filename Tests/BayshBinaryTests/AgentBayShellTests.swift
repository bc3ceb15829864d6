import AgentBayFake
import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// The real `baysh` binary on AgentBay: the fake API runs in this process on 127.0.0.1 (its tools are a local
/// session's), and baysh finds it through `AGENTBAY_ENDPOINT` and `AGENTBAY_API_KEY` like a user's shell would.
@Suite("baysh on AgentBay", .serialized)
struct AgentBayShellTests {
    static let key = "akm-e2e00000-1111-2222-3333-44445555beef"

    /// Runs `body` with a started fake and a baysh runner pointed at it; stops and removes both afterwards.
    static func withFake(
        environment: [String: String]? = nil, _ body: (AgentBayFake, BayshProcess) async throws -> Void
    ) async throws {
        let folder = try TemporaryDirectory()
        let tools = try LocalSession.create(dataHome: folder.url)
        let fake = AgentBayFake(apiKey: key, executor: FakeToolExecutor(session: tools))
        try fake.start()
        var baysh = try BayshProcess()
        baysh.extraEnvironment = environment ?? ["AGENTBAY_ENDPOINT": fake.endpoint, "AGENTBAY_API_KEY": key]
        defer {
            fake.stop()
            baysh.removeFolders()
        }
        try await body(fake, baysh)
        try await tools.delete(syncContext: false)
    }

    /// The session id `:session` printed.
    static func sessionId(in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("id:") }
            .map { $0.dropFirst(3).trimmingCharacters(in: .whitespaces) }
    }

    @Test func createsUsesAndDeletesASessionWithoutShowingTheKey() async throws {
        try await Self.withFake { fake, baysh in
            let run = try await baysh.run([], input: """
                :tools
                shell command="echo hi"
                :labels a=b
                :labels
                :link https 30150
                :info
                :session

                """)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("AgentBay session (AGENTBAY_API_KEY is set; --local for a local session)"))
            #expect(run.stdout.contains("read_file"))
            #expect(run.stdout.contains("hi\n"))
            #expect(run.stdout.contains("a=b"))
            #expect(run.stdout.contains("https://example.invalid/"))
            #expect(run.stdout.contains(Secret.mask(Self.key)))
            #expect(!run.stdout.contains(Self.key) && !run.stderr.contains(Self.key))
            let id = try #require(Self.sessionId(in: run.stdout))
            #expect(fake.requests("CreateMcpSession") == 1)
            #expect(fake.status(ofSession: id) != "RUNNING", "baysh deletes the session it created on exit")
        }
    }

    @Test func keepKeepsAndAttachLeavesAlone() async throws {
        try await Self.withFake { fake, baysh in
            let kept = try await baysh.run(["--keep", "--label", "run=kept", "-c", ":session"])
            #expect(kept.status == 0, "\(kept.stderr)")
            let id = try #require(Self.sessionId(in: kept.stdout))
            #expect(fake.status(ofSession: id) == "RUNNING")
            #expect(fake.labels(ofSession: id) == ["run": "kept"])

            let attached = try await baysh.run(["--session-id", id, "-c", "shell command=\"echo attached\""])
            #expect(attached.status == 0, "\(attached.stderr)")
            #expect(attached.stdout.contains("attached"))
            #expect(fake.status(ofSession: id) == "RUNNING")
            #expect(fake.requests("DeleteSessionAsync") == 0)

            let listed = try await baysh.run(["sessions", "--agentbay", "--label", "run=kept"])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.contains(id))
            #expect(listed.stdout.contains("RUNNING"))
            let none = try await baysh.run(["sessions", "--agentbay", "--label", "run=other"])
            #expect(none.stdout.contains("no AgentBay sessions with labels run=other"))
        }
    }

    @Test func keyFromANamedVariableAndExplicitFlag() async throws {
        try await Self.withFake(environment: ["MY_AGENTBAY_KEY": Self.key]) { fake, baysh in
            let run = try await baysh.run([
                "--agentbay", "--endpoint", fake.endpoint, "--api-key-env", "MY_AGENTBAY_KEY", "-c", ":session",
            ])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("from MY_AGENTBAY_KEY (--api-key-env)"))
            #expect(!run.stdout.contains(Self.key) && !run.stderr.contains(Self.key))
            let missing = try await baysh.run(["--agentbay", "--api-key-env", "UNSET_VARIABLE", "-c", ":session"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("UNSET_VARIABLE is not set or empty"))
            #expect(fake.requests("CreateMcpSession") == 1)
        }
    }
}
