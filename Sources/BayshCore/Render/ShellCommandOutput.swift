import MCP

/// The JSON the `shell` tool answers with: `{"stdout":"hi\n","stderr":"","exit_code":0}` (AgentBay and local),
/// and on failure `{"stdout":"","stderr":"sh: nope: not found\n","errorCode":127,"traceId":"77f9…"}`.
struct ShellCommandOutput: Equatable {
    var stdout: String
    var stderr: String
    var exitCode: Int
    var traceId: String?

    /// The envelope in `text`, or nil when the text is something else. It counts as the envelope only with an
    /// integer `exit_code` plus `stdout` or `stderr`, or with both `stdout` and `stderr` (as the AgentBay SDKs
    /// decide). On an error result the code is `exit_code`, else `errorCode`, and never 0.
    init?(_ text: String, isError: Bool) {
        guard text.hasPrefix("{"), case .success(.object(let object)) = JSONText.parse(text) else { return nil }
        let stdout = object["stdout"]?.stringValue
        let stderr = object["stderr"]?.stringValue
        let exitCode = object["exit_code"]?.intValue
        guard (exitCode != nil && (stdout != nil || stderr != nil)) || (stdout != nil && stderr != nil) else {
            return nil
        }
        self.stdout = stdout ?? ""
        self.stderr = stderr ?? ""
        var code = exitCode ?? 0
        if isError {
            code = exitCode ?? object["errorCode"]?.intValue ?? 1
            if code == 0 { code = 1 }
        }
        self.exitCode = code
        self.traceId = object["traceId"]?.stringValue
    }
}
