/// `:wire on|off`: the session's protocol messages on stderr.
extension MetaCommand {
    static let wire = MetaCommand(
        name: "wire", synopsis: "on|off", summary: "show every protocol message on stderr",
        help: """
            :wire on shows each protocol message the session sends and receives on stderr: JSON-RPC for an MCP
            server, the HTTP request and answer for AgentBay. Each line gives the direction (→ sent, ← received),
            the size, and the time (since :wire on for what is sent, since its request for an answer). Known
            secrets are masked and a long message is cut, its full size shown. :wire off stops it.
            """,
        completion: .words([["on", "off"]])
    ) { shell, invocation in
        guard let tap = shell.session.wireTap else {
            return .note("this session has no protocol messages to show: its tools are called inside baysh")
        }
        let writer = shell.writer
        switch invocation.arguments.first {
        case "on":
            tap.start { line in
                writer.write(RenderedOutput(chunks: [.init(stream: .standardError, text: line + "\n", style: .dim)]))
            }
            return .note("wire on")
        case "off":
            tap.stop()
            return .note("wire off")
        case nil:
            return .lines("wire is \(tap.isOn ? "on" : "off")")
        default:
            return .failure("usage: :wire on|off")
        }
    }
}
