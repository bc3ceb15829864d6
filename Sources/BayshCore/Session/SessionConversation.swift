import MCP

/// What a session's server says and asks beside the answers to calls: progress, log messages, a changed tool list,
/// and questions for the user (elicitation, sampling, roots). The shell provides one (``Session/setConversation(_:)``);
/// a backend that never hears such things (local, AgentBay) simply never calls it.
///
/// Called from the session's reading threads and tasks, so every method must be quick and thread-safe; the
/// questions are `async` and may wait for the user.
public protocol SessionConversation: AnyObject, Sendable {
    /// A call in flight reported progress (`notifications/progress` for its progress token).
    func serverReportedProgress(_ progress: CallProgress)
    /// The server sent a log message (`notifications/message`).
    func serverLogged(_ entry: ServerLogEntry)
    /// The server's tool list changed (`notifications/tools/list_changed`); the session's cache is already stale.
    func serverToolsChanged()
    /// The server asks the user for input (`elicitation/create`).
    func serverElicits(_ request: ElicitationRequest) async -> ElicitationAnswer
    /// The server asks for a model's reply (`sampling/createMessage`); nil declines.
    func serverSamples(_ request: SamplingRequest) async -> String?
    /// The folders the server may work in (`roots/list`), as absolute paths.
    func roots() -> [String]
}

/// The latest `notifications/progress` of a call.
public struct CallProgress: Sendable, Equatable {
    /// How far along (any unit; grows with each report).
    public var progress: Double
    /// Where `progress` ends, when the server knows.
    public var total: Double?
    /// What the server is doing now, when it says.
    public var message: String?

    public init(progress: Double, total: Double? = nil, message: String? = nil) {
        self.progress = progress
        self.total = total
        self.message = message
    }
}

/// One `notifications/message` from a server.
public struct ServerLogEntry: Sendable, Equatable {
    /// The syslog level the server gave (`debug` … `emergency`).
    public var level: LogLevel
    /// Which part of the server logged it, when it says.
    public var logger: String?
    /// The message: its `data` as text (a string as is, anything else as JSON).
    public var text: String

    public init(level: LogLevel, logger: String? = nil, text: String) {
        self.level = level
        self.logger = logger
        self.text = text
    }
}

/// An `elicitation/create` request: the server wants an answer from the user.
public struct ElicitationRequest: Sendable, Equatable {
    /// How the server wants the answer.
    public enum Mode: Sendable, Equatable {
        /// A form: the user answers the fields of `schema` (a flat JSON Schema object).
        case form(schema: Value)
        /// The user should visit `url` (to sign in, pay, …) and then accept or decline.
        case url(String)
    }

    /// The server's name, for the question's heading.
    public var server: String
    /// What the server says to the user.
    public var message: String
    public var mode: Mode

    public init(server: String, message: String, mode: Mode) {
        self.server = server
        self.message = message
        self.mode = mode
    }
}

/// The user's answer to an ``ElicitationRequest``.
public enum ElicitationAnswer: Sendable, Equatable {
    /// The user answered; `content` holds the form's fields (empty for URL mode).
    case accept([String: Value])
    /// The user said no (an empty line).
    case decline
    /// The user cancelled (Ctrl-C), or the question could not be asked.
    case cancel
}

/// A `sampling/createMessage` request: the server wants a model's reply to these messages.
public struct SamplingRequest: Sendable, Equatable {
    /// One message of the conversation: `user` or `assistant`, and its text (other content summed up).
    public struct Message: Sendable, Equatable {
        public var role: String
        public var text: String

        public init(role: String, text: String) {
            self.role = role
            self.text = text
        }
    }

    public var server: String
    public var messages: [Message]
    public var systemPrompt: String?
    public var maxTokens: Int?

    public init(server: String, messages: [Message], systemPrompt: String? = nil, maxTokens: Int? = nil) {
        self.server = server
        self.messages = messages
        self.systemPrompt = systemPrompt
        self.maxTokens = maxTokens
    }
}
