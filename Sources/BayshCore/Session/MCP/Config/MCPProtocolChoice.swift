/// Which MCP era baysh speaks to a server (`--protocol`): the `initialize` handshake of the 2025 revisions, the
/// stateless 2026-07-28 revision (`server/discover`, `_meta` on every request), or whichever the server offers.
public enum MCPProtocolChoice: String, Sendable, CaseIterable {
    /// Probe `server/discover` first and fall back to `initialize` on a JSON-RPC error, as the Python client does.
    case auto
    /// The `initialize` handshake only.
    case handshake = "2025"
    /// The 2026-07-28 revision only: a server that does not offer it is an error.
    case modern = "2026"

    /// The modern revision baysh speaks.
    public static let modernVersion = "2026-07-28"

    /// `--protocol auto|2025|2026`, with a message naming the choices when `text` is none of them.
    public init(flag text: String) throws {
        guard let choice = MCPProtocolChoice(rawValue: text) else {
            throw SessionError.invalidArgument("--protocol \(text): give auto, 2025 or 2026")
        }
        self = choice
    }
}
