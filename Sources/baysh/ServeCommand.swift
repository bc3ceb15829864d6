import ArgumentParser
import BayshCore
import Foundation

/// `baysh serve`: a local session as an MCP server over stdio. Only JSON-RPC goes to stdout; notes go to stderr.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a local session as an MCP server over stdio.",
        discussion: """
            Any MCP client can start `baysh serve` and use the local session's tools. The session it creates is \
            deleted when the client closes stdin, unless --keep; one attached with --session-id is left alone.
            """
    )

    @Option(help: ArgumentHelp("Folder a new local session works in (default: a fresh folder of its own).",
        valueName: "dir"))
    var workspace: String?

    @Option(name: .customLong("session-id"), help: ArgumentHelp("Serve this existing local session.", valueName: "id"))
    var sessionId: String?

    @Option(name: .customLong("label"), help: ArgumentHelp("Label for the new session (repeatable).",
        valueName: "key=value"))
    var labels: [String] = []

    @Flag(help: "Keep the session created when the client disconnects.")
    var keep = false

    @OptionGroup(title: "Local sandbox")
    var sandbox: SandboxFlags

    func request() throws -> SessionRequest {
        var request = try SessionOptions.request(workspace: workspace, sessionId: sessionId, labels: labels)
        request.local = true
        try sandbox.apply(to: &request)
        return request
    }

    func validate() throws {
        try SessionFlagCheck.validate(request())
    }

    mutating func run() async throws {
        // A client that goes away mid-answer must not kill the server before it cleans up.
        signal(SIGPIPE, SIG_IGN)
        let session: any Session
        do {
            session = try await SessionOpener.open(request()) { Self.note($0) }
        } catch {
            BayshMain.complain(error)
            throw ExitCode(1)
        }
        let fate = session.ownership == .created ? (keep ? "kept" : "deleted") + " when the client disconnects"
            : "attached, left alone"
        if let confinement = session.confinement { Self.note("sandbox: \(confinement)") }
        Self.note("serving local session \(session.sessionId) (\(fate)) over stdio")
        // MCP clients stop a server by closing stdin and then, without waiting long, SIGTERM to its process group
        // (baysh's own client does): the session must still be cleaned up.
        let stop = SignalStop(signals: [SIGTERM, SIGINT, SIGHUP]) { [keep] in
            if session.ownership == .created, !keep {
                try? await session.delete(syncContext: false)
                Self.note("stopped by a signal; deleted session \(session.sessionId)")
            }
        }
        defer { stop.cancel() }
        var failed = false
        do {
            try await SessionServer.run(session: session)
        } catch {
            BayshMain.complain(error)
            failed = true
        }
        if session.ownership == .created, !keep {
            do {
                try await session.delete(syncContext: false)
                Self.note("deleted session \(session.sessionId)")
            } catch {
                BayshMain.complain(error)
                failed = true
            }
        } else {
            await session.close()
            Self.note("kept session \(session.sessionId); serve it again with: baysh serve --session-id \(session.sessionId)")
        }
        if failed { throw ExitCode(1) }
    }

    private static func note(_ text: String) {
        FileHandle.standardError.write(Data("baysh serve: \(TerminalText.visible(text))\n".utf8))
    }
}
