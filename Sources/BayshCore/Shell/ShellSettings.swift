/// What the user can change while the shell runs (`:format`, `:timing`, `:set hints`, `:timeout`, `:keep`) and
/// the flags that set their starting values.
public struct ShellSettings: Sendable, Equatable {
    /// `--format`, `:format`.
    public var format: OutputFormat
    /// `:timing on`: print each call's elapsed time.
    public var showTiming: Bool
    /// `:set hints on|off`: the dim signature after the cursor.
    public var hints: Bool
    /// `--timeout-ms`, `:timeout read=MS`; nil is the backend's default.
    public var readTimeout: Duration?
    /// `:timeout connect=MS`; nil is the backend's default.
    public var connectTimeout: Duration?
    /// `--keep`, `:keep`: do not delete a session baysh created when it exits.
    public var keepSession: Bool
    /// `--yes`: call destructive tools without asking.
    public var assumeYes: Bool

    public init(
        format: OutputFormat = .text, showTiming: Bool = false, hints: Bool = true, readTimeout: Duration? = nil,
        connectTimeout: Duration? = nil, keepSession: Bool = false, assumeYes: Bool = false
    ) {
        self.format = format
        self.showTiming = showTiming
        self.hints = hints
        self.readTimeout = readTimeout
        self.connectTimeout = connectTimeout
        self.keepSession = keepSession
        self.assumeYes = assumeYes
    }

    /// The timeouts for `callTool`.
    public var callOptions: CallOptions {
        CallOptions(readTimeout: readTimeout, connectTimeout: connectTimeout)
    }
}
