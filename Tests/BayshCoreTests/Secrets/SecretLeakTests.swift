import AgentBayFake
import BayshTestSupport
import Foundation
import Logging
import MCP
import Testing

@testable import BayshCore

/// Whole recorded sessions with known secrets — an AgentBay API key, VPC and LinkUrl session tokens, MCP bearer
/// tokens given as a header and through `--bearer-env` — and then a search of everything the session left behind:
/// stdout, stderr, the history file, the transcript, the output folders and the trace-level logs. No secret may
/// appear, whole or as any 8-character piece of its random part.
///
/// The shell runs in process over the real backends (the AgentBay fake on loopback HTTP, the Python MCP server);
/// the `baysh` binary cannot open those backends yet, so ``BayshSecretEndToEndTests`` covers the binary itself.
@Suite("secrets never leave baysh", .serialized)
struct SecretLeakTests {
    @Test("AgentBay: API key, VPC token and LinkUrl token", arguments: ["vpc", "link"])
    func agentBaySession(route: String) async throws {
        let key = "akm-" + SecretScan.randomPart(32)
        let fake = AgentBayFake(
            apiKey: key, options: FakeOptions(offerLinkRoute: route == "link", vpcSessions: route == "vpc"))
        try fake.start()
        defer { fake.stop() }
        let logs = LogStore()
        let configuration = try AgentBayConfiguration.resolve(
            apiKey: key, endpoint: fake.endpoint, environment: [:],
            workingDirectory: FileManager.default.temporaryDirectory)
        let session = try await AgentBaySession.create(
            config: configuration, imageId: "linux_latest", labels: ["who": "secrets"],
            retryPolicy: AgentBayFixture.quickRetries, deletePolling: AgentBayFixture.quickDeletes,
            logger: logs.logger)
        let token = try #require(session.facts.token?.revealed)
        if route == "vpc" { #expect(session.vpc?.isEnabled == true) }

        let run = try await RecordedShell(session: session)
        await run.lines([
            ":session", ":info", ":tools", "echo text=hello", ":explain echo text=hi", ":labels a=b", ":labels",
            "fail message=boom", "nosuch x=1", "echo text=", ":link", ":format json", "echo text=again", ":info",
            ":history",
        ])
        // An API error whose text the client builds from the server's answer.
        fake.faults = FakeFaults(actions: ["GetLabel"], serverErrorsNext: 10)
        await run.lines([":labels"])
        fake.faults = FakeFaults()
        await run.finish()
        await session.close()

        let operations = route == "vpc" ? "callTool.vpc" : "callTool.link"
        #expect(fake.requests(operations) >= 2, "the calls took the \(route) route")
        #expect(logs.text.contains("AgentBay request"), "trace logging was on")
        #expect(run.stdout.contains("hello"))
        let scan = SecretScan(secrets: ["API key": key, "\(route) token": token])
        let leaks = run.leaks(scan) + scan.leaks(in: logs.text, place: "logs")
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test("MCP over HTTP: a bearer header and --bearer-env, with a server that echoes the header back")
    func mcpHTTPSession() async throws {
        let headerToken = "mcph_" + SecretScan.randomPart(28, symbols: true)
        let envToken = "mcpe_" + SecretScan.randomPart(28, symbols: true)
        try await withLoopbackServer(script: MCPFixtures.pythonServerScript, arguments: ["http"]) { url in
            for (name, token, target) in [
                ("header", headerToken, MCPTarget.http(url: url, headers: ["Authorization": "Bearer \(headerToken)"])),
                ("bearer-env", envToken, MCPTarget.http(url: url, bearer: Secret(envToken))),
            ] {
                let session = try await MCPSession.connect(target, name: "fixture-\(name)")
                let run = try await RecordedShell(session: session)
                await run.lines([
                    ":session", ":info", ":tools", "authorization", ":explain authorization", "echo text=hi",
                    "fail message=boom", ":format json", "authorization", ":format raw", "authorization",
                    ":history",
                ])
                await run.finish()
                await session.close()
                // The server did get the token and echoed it (masked on the way out): the search below is about
                // baysh, not about a header that never went.
                #expect(run.stdout.contains("****" + token.suffix(4)), "the authorization tool answered (\(name))")
                let scan = SecretScan(secrets: ["header token": headerToken, "bearer-env token": envToken])
                let leaks = run.leaks(scan)
                #expect(leaks.isEmpty, "\(name): \(leaks)")
            }
        }
    }

    @Test("MCP over HTTP: a server error that quotes the Authorization header")
    func mcpServerErrorEchoingTheHeader() async throws {
        let headerToken = "mcph_" + SecretScan.randomPart(28, symbols: true)
        let bearerToken = "mcpb_" + SecretScan.randomPart(28, symbols: true)
        try await withLoopbackServer(script: MCPFixtures.misbehavingHTTPScript, path: "/error") { url in
            var printed: [String] = []
            for target in [
                MCPTarget.http(url: url, headers: ["Authorization": "Bearer \(headerToken)"]),
                MCPTarget.http(url: url, headers: ["X-Trace": "1"], bearer: Secret(bearerToken)),
            ] {
                do {
                    let session = try await MCPSession.connect(target, timeout: .seconds(10))
                    await session.close()
                    Issue.record("the /error server answered initialize")
                } catch {
                    printed += ["\(error)", String(describing: error), String(reflecting: error)]
                }
            }
            #expect(printed.allSatisfy { $0.contains("500") }, "\(printed)")
            let scan = SecretScan(secrets: ["header token": headerToken, "bearer token": bearerToken])
            let leaks = printed.flatMap { scan.leaks(in: $0, place: "error") }
            #expect(leaks.isEmpty, "\(leaks)\n\(printed)")
        }
    }
}
