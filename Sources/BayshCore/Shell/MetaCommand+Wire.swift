import Foundation

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
            tap.start { message in
                // The writer masks known secrets in everything it prints.
                writer.write(RenderedOutput(chunks: [
                    .init(stream: .standardError, text: wireLine(message) + "\n", style: .dim)
                ]))
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

/// How many characters of a message `:wire` shows.
let wirePreviewCharacters = 500

/// `→ 245 bytes at +12.3 ms  {"jsonrpc":"2.0",…}`: direction, size, time, and the message on one line, cut with
/// its full size shown.
func wireLine(_ message: WireMessage) -> String {
    var shown = message.text.replacingOccurrences(of: "\n", with: "\\n")
    if shown.count > wirePreviewCharacters || message.bytes > WireTap.keptBytes {
        shown = String(shown.prefix(wirePreviewCharacters))
            + "… (cut; \(ByteSize.text(message.bytes)) in all)"
    }
    var head = (message.direction == .sent ? "→ " : "← ") + ByteSize.text(message.bytes)
    if let roundTrip = message.roundTrip { head += " after " + milliseconds(roundTrip) }
    if let since = message.sinceStart { head += " at +" + milliseconds(since) }
    return head + "  " + shown
}

private func milliseconds(_ duration: Duration) -> String {
    String(format: "%.1f ms", duration.inSeconds * 1000)
}
