import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// Resources, resource templates, prompts and completions of a real Python `mcp` 2.x server (`catalog_server.py`),
/// over stdio and streamable HTTP, and the pure parts `:read`, `:prompt` and Tab build on.
@Suite("MCP resources, prompts and completions", .timeLimit(.minutes(2)))
struct CatalogTests {
    private func exercise(_ session: MCPSession) async throws {
        let resources = try await session.listResources()
        #expect(resources.map(\.uri) == ["docs://readme", "data://pixel.png", "notes://{name}"])
        #expect(resources.first?.mimeType == "text/markdown")
        #expect(resources.last?.isTemplate == true)
        #expect(resources.last?.templateVariables == ["name"])
        #expect(session.cachedResources == resources)

        let readme = try await session.readResource(uri: "docs://readme")
        #expect(readme == [.resource(uri: "docs://readme", mimeType: "text/markdown", text: "# Catalog\nA server with resources.", blobBase64: nil)])
        // The template fills on the server: notes://milk matches notes://{name}.
        let milk = try await session.readResource(uri: "notes://milk")
        #expect(milk == [.resource(uri: "notes://milk", mimeType: "text/plain", text: "buy two litres of milk", blobBase64: nil)])
        guard case .resource(_, "image/png", nil, let blob?)? = try await session.readResource(uri: "data://pixel.png").first
        else { Issue.record("the picture is not a blob"); return }
        #expect(Data(base64Encoded: blob)?.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        await #expect(throws: SessionError.self) { try await session.readResource(uri: "notes://eggs") }

        let prompts = try await session.listPrompts()
        #expect(prompts.map(\.name) == ["review", "show_note"])
        #expect(prompts.first?.arguments == [.init(name: "code", required: true), .init(name: "language", required: false)])
        let review = try await session.getPrompt(name: "review", arguments: ["code": "x = 1", "language": "perl"])
        #expect(review.messages == [.init(role: "user", content: .text("Please review this perl code:\nx = 1"))])
        let note = try await session.getPrompt(name: "show_note", arguments: ["name": "milk"])
        #expect(note.messages.map(\.role) == ["user", "assistant", "assistant"])
        #expect(note.messages[1].content == .resource(uri: "notes://milk", mimeType: "text/plain", text: "buy two litres of milk", blobBase64: nil))
        guard case .image(_, "image/png") = note.messages[2].content else {
            Issue.record("no image in \(note.messages[2])")
            return
        }

        #expect(session.offersCompletions)
        #expect(try await session.complete(.resourceTemplate(uri: "notes://{name}"), argument: "name", value: "m", context: [:]) == ["mail", "milk", "music"])
        #expect(try await session.complete(.prompt(name: "review"), argument: "language", value: "p", context: ["code": "x"]) == ["python", "perl"])
        let info = try await session.info()
        #expect(info["capabilities"]?.contains("resources") == true)
        #expect(info["capabilities"]?.contains("prompts") == true)
        #expect(info["capabilities"]?.contains("completions") == true)
    }

    /// Connects with `choice`, checks the revision settled on, runs `exercise` and closes.
    private func session(
        _ target: MCPTarget, _ choice: MCPProtocolChoice, expecting revision: String,
        _ body: ((MCPSession) async throws -> Void)? = nil
    ) async throws {
        try await withMCPSession(target, timeout: .seconds(30), protocol: choice) { session in
            #expect(session.protocolRevision == revision)
            try await (body ?? exercise)(session)
            #expect(try await session.callTool(name: "echo", arguments: ["text": "hi ☃"]).text == "hi ☃")
        }
    }

    @Test("stdio, in each era and auto", arguments: [
        (MCPProtocolChoice.handshake, "2025-11-25"), (.modern, "2026-07-28"), (.auto, "2026-07-28"),
    ])
    func stdio(choice: MCPProtocolChoice, revision: String) async throws {
        let target = MCPTarget.stdio(command: [try MCPFixtures.python, MCPFixtures.catalogServerScript, "stdio"])
        try await session(target, choice, expecting: revision)
    }

    @Test("streamable HTTP, in each era and auto", arguments: [
        (MCPProtocolChoice.handshake, "2025-11-25"), (.modern, "2026-07-28"), (.auto, "2026-07-28"),
    ])
    func http(choice: MCPProtocolChoice, revision: String) async throws {
        try await withLoopbackServer(script: MCPFixtures.catalogServerScript, arguments: ["http"]) { url in
            try await session(.http(url: url, headers: [:], bearer: nil), choice, expecting: revision)
        }
    }

    @Test("changed resource and prompt lists are fetched again, in each era over each transport", arguments: [
        "stdio", "http",
    ], [MCPProtocolChoice.handshake, .modern])
    func listsChanged(transport: String, era: MCPProtocolChoice) async throws {
        let run = { (target: MCPTarget) in
            try await session(target, era, expecting: era == .modern ? "2026-07-28" : "2025-11-25") { session in
                #expect(try await !session.listResources().contains { $0.uri == "docs://faq" })
                #expect(try await !session.listPrompts().contains { $0.name == "about_faq" })
                #expect(try await session.callTool(name: "add_page", arguments: ["name": "faq"]).text == "added faq")
                // Fetched in the background as soon as the server says so: Tab finds them with no wait.
                for _ in 0..<250
                where session.cachedResources?.contains(where: { $0.uri == "docs://faq" }) != true
                    || session.cachedPrompts?.contains(where: { $0.name == "about_faq" }) != true
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(session.cachedResources?.contains { $0.uri == "docs://faq" } == true)
                #expect(session.cachedPrompts?.contains { $0.name == "about_faq" } == true)
                #expect(try await session.readResource(uri: "docs://faq").first == .resource(uri: "docs://faq", mimeType: "text/plain", text: "page faq", blobBase64: nil))
            }
        }
        if transport == "stdio" {
            try await run(.stdio(command: [try MCPFixtures.python, MCPFixtures.catalogServerScript, "stdio"]))
        } else {
            try await withLoopbackServer(script: MCPFixtures.catalogServerScript, arguments: ["http"]) { url in
                try await run(.http(url: url, headers: [:], bearer: nil))
            }
        }
    }

    @Test("auto falls back to the handshake on a server without server/discover; 2026 refuses it clearly")
    func handshakeOnlyServer() async throws {
        let target = MCPTarget.stdio(command: [try MCPFixtures.testServer])
        try await withMCPSession(target, timeout: .seconds(30), protocol: .auto) { session throws in
            #expect(session.protocolRevision?.hasPrefix("2025") == true)
            #expect(try await session.callTool(name: "echo", arguments: ["text": "old"]).text.contains("old"))
        }
        do {
            _ = try await MCPSession.connect(target, timeout: .seconds(30), protocol: .modern)
            Issue.record("a handshake-only server was accepted for --protocol 2026")
        } catch {
            #expect("\(error)".contains("does not offer the 2026-07-28 revision"), "\(error)")
            #expect("\(error)".contains("use --protocol 2025 or auto"))
        }
    }

    @Test("auto probes once more when initialize is refused with -32022 naming the 2026 revision; 2025 says what to use")
    func reprobeAfterRefusedHandshake() async throws {
        let target = MCPTarget.stdio(command: [try MCPFixtures.python, MCPFixtures.script("era_switch.py")])
        try await withMCPSession(target, timeout: .seconds(30), protocol: .auto) { session throws in
            #expect(session.protocolRevision == "2026-07-28")
            #expect(session.serverName == "switch")
            #expect(try await session.callTool(name: "echo", arguments: ["text": "again"]).text == "again")
        }
        do {
            _ = try await MCPSession.connect(target, timeout: .seconds(30), protocol: .handshake)
            Issue.record("a modern-only server was accepted for --protocol 2025")
        } catch {
            #expect("\(error)".contains("refused the handshake: JSON-RPC error -32022"), "\(error)")
            #expect("\(error)".hasSuffix("it speaks the 2026-07-28 revision: use --protocol auto or 2026"), "\(error)")
        }
    }

    @Test("auto gives a server that never answers server/discover 10 s, then speaks the handshake")
    func unansweredProbe() async throws {
        let directory = try TemporaryDirectory()
        let target = MCPTarget.stdio(
            command: [try MCPFixtures.python, HostileFixtures.stubbornStdio, directory.path + "/pid", "--deaf"],
            environment: [:], workingDirectory: nil, stderr: .discard)
        let started = ContinuousClock.now
        try await withMCPSession(target, timeout: .seconds(30), protocol: .auto) { session throws in
            let waited = ContinuousClock.now - started
            #expect(session.protocolRevision?.hasPrefix("2025") == true)
            #expect(waited >= ServerDiscovery.discoverLimit && waited < ServerDiscovery.discoverLimit + .seconds(8), "\(waited)")
            #expect(try await session.callTool(name: "noop", arguments: [:]).text == "ok")
        }
    }

    @Test("the 2026 revision's routing headers mirror the body")
    func routingHeaders() {
        func headers(_ json: String) -> [String: String] { StreamableHTTPTransport.routingHeaders(of: Data(json.utf8)) }
        #expect(headers(#"{"method":"tools/list","params":{}}"#) == ["Mcp-Method": "tools/list"])
        #expect(headers(#"{"method":"tools/call","params":{"name":"echo"}}"#) == ["Mcp-Method": "tools/call", "Mcp-Name": "echo"])
        #expect(headers(#"{"method":"resources/read","params":{"uri":"notes://milk"}}"#)["Mcp-Name"] == "notes://milk")
        #expect(headers(#"{"method":"prompts/get","params":{"name":"café"}}"#)["Mcp-Name"] == "=?base64?Y2Fmw6k=?=")
    }

    @Test("a server without resources or prompts says which method it lacks")
    func serverWithoutCatalog() async throws {
        let target = MCPTarget.stdio(command: [try MCPFixtures.python, MCPFixtures.pythonServerScript, "stdio"])
        try await withMCPSession(target) { session in
            // MCPServer always registers the handlers: an empty list, not an error.
            let prompts = try await session.listPrompts()
            let resources = try await session.listResources()
            #expect(prompts.isEmpty)
            #expect(resources.isEmpty)
        }
    }

    @Test("a template's variables fill from VARIABLE=VALUE, with checks")
    func fillTemplate() throws {
        #expect(try MetaCommand.fillTemplate("notes://{name}", with: ["name=milk"]) == "notes://milk")
        #expect(try MetaCommand.fillTemplate("notes://{name}", with: ["name=a b/c"]) == "notes://a%20b%2Fc")
        #expect(try MetaCommand.fillTemplate("docs://readme", with: []) == "docs://readme")
        #expect(throws: SessionError.invalidArgument("the URI notes://{name} has no variable '{nmae}'; did you mean 'name'?")) {
            try MetaCommand.fillTemplate("notes://{name}", with: ["nmae=milk"])
        }
        #expect(throws: SessionError.self) { try MetaCommand.fillTemplate("a://{x}/{y}", with: ["x=1"]) }
        #expect(throws: SessionError.self) { try MetaCommand.fillTemplate("docs://readme", with: ["x=1"]) }
    }

    @Test("prompt arguments resolve through the call language: positional, quoting, did-you-mean, required")
    func promptArguments() throws {
        let prompt = PromptInfo(name: "review", arguments: [.init(name: "code", required: true), .init(name: "language")])
        let resolver = ArgumentResolver(schema: PromptInfo.schema(of: prompt))
        let call = try resolver.resolve(try CallLine.parse("review 'x = 1' language=42"))
        #expect(call.arguments == ["code": "x = 1", "language": "42"])
        #expect(throws: CallLineError.self) { try resolver.resolve(try CallLine.parse("review language=perl")) }
        do {
            _ = try resolver.resolve(try CallLine.parse("review x langauge=perl"))
            Issue.record("an unknown argument was accepted")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("language") })
        }
    }

    @Test("Tab completes URIs, prompt names, argument names and server values from the catalog")
    func completion() {
        let catalog = CompletionCatalog(
            resources: [
                ResourceInfo(name: "readme", uri: "docs://readme"),
                ResourceInfo(name: "note", uri: "notes://{name}", isTemplate: true),
            ],
            prompts: [PromptInfo(name: "review", arguments: [.init(name: "code", required: true), .init(name: "language")])],
            serverValues: ["perl", "python"])
        let entries = MetaCommand.builtIn.map(\.entry)
        func complete(_ line: String) -> [String] {
            Completer.complete(line: line, cursor: line.count, tools: .empty, metaCommands: entries, catalog: catalog)
                .candidates.map(\.insertion)
        }
        #expect(complete(":read do") == ["docs://readme"])
        #expect(complete(":read n") == ["notes://"])
        #expect(complete(":prompt re") == ["review"])
        #expect(complete(":prompt review ").contains("code="))
        #expect(complete(":prompt review code=x language=p") == ["perl", "python"])
        let values = CompletionCatalog(uris: ["notes://"], serverValues: ["notes://milk", "notes://mail"])
        #expect(values.uris(withPrefix: "notes://m").map(\.insertion) == ["notes://milk", "notes://mail"])
    }
}
