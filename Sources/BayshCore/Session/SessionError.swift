import Foundation

/// Why a session operation failed, written for the person at the terminal: what, where, what to do.
public enum SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The backend cannot do this at all (a link for a local session).
    case unsupported(operation: String, backend: BackendKind, reason: String)
    /// An argument to a session operation is wrong (port out of range, blank label).
    case invalidArgument(String)
    /// The session, tool, file or thing named does not exist.
    case notFound(String)
    /// A path given to a local file tool leaves the workspace.
    case outsideWorkspace(path: String, reason: String)
    /// No answer within the time allowed.
    case timedOut(operation: String, after: Duration)
    /// The user (Ctrl-C) or the shell cancelled the call.
    case cancelled(operation: String)
    /// A connection could not be made or broke.
    case transport(String)
    /// The MCP server process ended. `stderrTail` is its last stderr lines.
    case serverExited(command: String, status: Int32?, stderrTail: [String])
    /// The peer answered something that is not the protocol (garbage, a partial frame, a missing field).
    case protocolViolation(String)
    /// The AgentBay API answered with an error (HTTP 4xx/5xx, or 200 with `Success:false`).
    case api(code: String, message: String, requestId: String?, httpStatus: Int?)
    /// Configuration is missing or wrong (no API key, unreadable config file).
    case configuration(String)
    /// The session no longer exists (released after being idle, deleted elsewhere); nothing was sent.
    case sessionGone(sessionId: String, reason: String)
    /// The session is paused; the call was not sent.
    case paused(sessionId: String)

    public var description: String {
        switch self {
        case .unsupported(let operation, let backend, let reason):
            return "\(operation) is not available on \(backend.sessionPhrase): \(reason)"
        case .invalidArgument(let message), .notFound(let message), .transport(let message),
            .configuration(let message):
            return message
        case .outsideWorkspace(let path, let reason):
            return "path '\(path)' is refused: \(reason); use a path inside the session workspace"
        case .timedOut(let operation, let after):
            return "\(operation) timed out after \(Self.format(after)); raise it with :timeout read=MS"
        case .cancelled(let operation):
            return "\(operation) cancelled"
        case .serverExited(let command, let status, let tail):
            var text = "MCP server '\(command)' exited"
            if let status { text += " with status \(status)" }
            if !tail.isEmpty { text += "; its last stderr lines:\n" + tail.map { "  " + $0 }.joined(separator: "\n") }
            return text + "\nuse :reconnect to start it again"
        case .protocolViolation(let message):
            return "the server broke the protocol: \(message)"
        case .sessionGone(let sessionId, let reason):
            return "session \(sessionId) is gone (\(reason)); baysh does not replace it by itself: "
                + ":new opens a fresh session with the same image and labels"
        case .paused(let sessionId):
            return "session \(sessionId) is paused, so the call was not sent; :resume resumes it"
        case .api(let code, let message, let requestId, let httpStatus):
            var text = "AgentBay error"
            if let httpStatus { text += " (HTTP \(httpStatus))" }
            text += ": [\(code)] \(message)"
            if let requestId, !requestId.isEmpty { text += " (request id \(requestId))" }
            return text
        }
    }

    static func format(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
