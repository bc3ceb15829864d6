import AgentBayFake
import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// The real `baysh` binary started with an AgentBay API key in its environment (and in a `.env` file beside it),
/// run through a pseudo-terminal and through piped stdin, both recording a transcript: the key (and on AgentBay the
/// VPC session token) shows nowhere — not in what it printed, the history file, the transcript or anything else
/// under its state folder — and a local session's `shell` tool does not hand the key to the commands it runs.
@Suite("baysh binary keeps keys and tokens to itself", .serialized)
struct BayshSecretEndToEndTests {
    static let localLines = [
        ":session", ":info", ":tools", "shell command=\"echo key=$AGENTBAY_API_KEY.\"", "shell command=env",
        ":explain shell command=hi", ":labels a=b", "read_file path=/no/such/file", "shell command='exit 3'",
        ":history",
    ]
    static let agentBayLines = [
        ":session", ":info", ":tools", "echo text=hello", ":explain echo text=hi", ":labels a=b", ":labels",
        "fail message=boom", "nosuch x=1", ":link", ":format json", "echo text=again", ":history",
    ]

    static func process(agentBay fake: AgentBayFake? = nil) throws -> (BayshProcess, key: String) {
        let key = fake?.apiKey ?? "akm-" + SecretScan.randomPart(32)
        var baysh = try BayshProcess()
        baysh.extraEnvironment = ["AGENTBAY_API_KEY": key]
        if let fake { baysh.extraEnvironment["AGENTBAY_ENDPOINT"] = fake.endpoint }
        try "AGENTBAY_API_KEY=\(key)\n".write(toFile: baysh.path(".env"), atomically: true, encoding: .utf8)
        return (baysh, key)
    }

    /// Everything the run left: the given output, the transcript and the state folder (history, outputs, logs).
    static func leaks(_ baysh: BayshProcess, secrets: [String: String], output: [String: String]) -> [String] {
        let scan = SecretScan(secrets: secrets)
        let transcript = (try? String(contentsOfFile: baysh.path("session.transcript"), encoding: .utf8)) ?? ""
        #expect(transcript.hasPrefix("# baysh transcript"), "the transcript was written")
        var leaks = scan.leaks(in: transcript, place: "transcript")
        for (place, text) in output { leaks += scan.leaks(in: text, place: place) }
        return leaks + scan.leaks(underFolder: baysh.root.appendingPathComponent("state"))
    }

    /// A started fake with a fresh random key whose sessions are VPC sessions (each with a token).
    static func startVPCFake() throws -> AgentBayFake {
        let fake = AgentBayFake(apiKey: "akm-" + SecretScan.randomPart(32), options: FakeOptions(vpcSessions: true))
        try fake.start()
        return fake
    }

    /// Every VPC session token the fake handed out, read back from its sessions' `GetSession` answers.
    static func sessionTokens(_ fake: AgentBayFake) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        let configuration = AgentBayConfiguration(apiKey: Secret(fake.apiKey), baseURL: URL(string: fake.endpoint)!)
        let client = AgentBayClient(configuration: configuration)
        defer { client.close() }
        for id in fake.sessionIds {
            tokens["token of \(id)"] = try await client.getSession(id).token?.revealed
        }
        return tokens
    }

    @Test func localSessionPiped() async throws {
        let (baysh, key) = try Self.process()
        defer { baysh.removeFolders() }
        let outcome = try await baysh.run(
            ["--local", "--yes", "--record", baysh.path("session.transcript")],
            input: Self.localLines.joined(separator: "\n") + "\n")
        #expect(outcome.status == 1, "the failing lines fail the run")
        // The command ran and its environment had no key: `key=.` is what echo gives for an unset variable.
        #expect(outcome.stdout.contains("key=."), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("PWD="), "env ran")
        let leaks = Self.leaks(
            baysh, secrets: ["API key": key], output: ["stdout": outcome.stdout, "stderr": outcome.stderr])
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test func localSessionOnATerminal() throws {
        let (baysh, key) = try Self.process()
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal(["--local", "--yes", "--record", baysh.path("session.transcript")])
        try terminal.waitForPrompt(after: "Ctrl-D exits\n")
        for line in Self.localLines {
            terminal.type(line + "\r")
            try terminal.waitForPrompt(timeout: .seconds(30))
        }
        terminal.type("\u{4}")
        _ = try terminal.waitForExit(timeout: .seconds(30))
        #expect(terminal.visible.contains("key=."))
        let leaks = Self.leaks(baysh, secrets: ["API key": key], output: ["terminal": terminal.visible])
        #expect(leaks.isEmpty, "\(leaks)")
        let history = SecretScan.files(under: baysh.root.appendingPathComponent("state"))
        #expect(history.contains { $0.contains("history-") }, "a history file was written: \(history)")
    }

    @Test func agentBayVPCSessionPiped() async throws {
        let fake = try Self.startVPCFake()
        defer { fake.stop() }
        let (baysh, key) = try Self.process(agentBay: fake)
        defer { baysh.removeFolders() }
        let outcome = try await baysh.run(
            ["--agentbay", "--keep", "--yes", "--record", baysh.path("session.transcript")],
            input: Self.agentBayLines.joined(separator: "\n") + "\n")
        #expect(outcome.stdout.contains("hello"), "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(fake.requests("callTool.vpc") >= 2, "the calls took the VPC route")
        // Kept, so its token can be read back and looked for.
        let tokens = try await Self.sessionTokens(fake)
        #expect(tokens.count == 1)
        let leaks = Self.leaks(
            baysh, secrets: tokens.merging(["API key": key]) { $1 },
            output: ["stdout": outcome.stdout, "stderr": outcome.stderr])
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test func agentBayVPCSessionOnATerminal() async throws {
        let fake = try Self.startVPCFake()
        defer { fake.stop() }
        let (baysh, key) = try Self.process(agentBay: fake)
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal(["--agentbay", "--keep", "--yes", "--record", baysh.path("session.transcript")])
        try terminal.waitFor("Ctrl-D exits\n", timeout: .seconds(30))
        try terminal.waitFor("> ")
        for line in Self.agentBayLines {
            terminal.type(line + "\r")
            try terminal.waitFor("baysh agentbay", timeout: .seconds(30))
            try terminal.waitFor("> ")
        }
        terminal.type("\u{4}")
        _ = try terminal.waitForExit(timeout: .seconds(30))
        #expect(terminal.visible.contains("hello"))
        let tokens = try await Self.sessionTokens(fake)
        let leaks = Self.leaks(
            baysh, secrets: tokens.merging(["API key": key]) { $1 }, output: ["terminal": terminal.visible])
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test func mcpOverHTTPWithAHeaderAndABearerVariablePiped() async throws {
        let headerToken = "mcph_" + SecretScan.randomPart(28, symbols: true)
        let envToken = "mcpe_" + SecretScan.randomPart(28, symbols: true)
        try await withLoopbackServer(script: MCPFixtures.pythonServerScript, arguments: ["http"]) { url in
            for arguments in [
                ["--header", "Authorization: Bearer \(headerToken)"], ["--bearer-env", "MCP_TOKEN"],
            ] {
                var baysh = try BayshProcess()
                defer { baysh.removeFolders() }
                baysh.extraEnvironment = ["MCP_TOKEN": envToken]
                let outcome = try await baysh.run(
                    ["--url", url.absoluteString, "--record", baysh.path("session.transcript")] + arguments,
                    input: [":session", ":info", ":tools", "authorization", "fail message=boom", ":format json",
                        "authorization", ":history"].joined(separator: "\n") + "\n")
                #expect(outcome.stdout.contains("****"), "the authorization tool answered: \(outcome.stdout)")
                let leaks = Self.leaks(
                    baysh, secrets: ["header token": headerToken, "bearer-env token": envToken],
                    output: ["stdout": outcome.stdout, "stderr": outcome.stderr])
                #expect(leaks.isEmpty, "\(arguments[0]): \(leaks)")
            }
        }
    }
}
