import Foundation
import MCP

/// What one replayed command did, as one line of `baysh --replay FILE --json`:
///
/// ```
/// {"arguments":{"path":"a.txt"},"command":"read_file path=a.txt","elapsedMs":0.412,"isError":false,"line":7,"ok":true,"result":"hello"}
/// ```
public struct CommandReport: Sendable, Equatable, Encodable {
    /// The command as in the transcript.
    public var command: String
    /// Its line in the transcript; nil when it did not come from a file.
    public var line: Int?
    /// The JSON arguments the call line resolved to; nil (JSON `null`) for a meta command or a line that did not
    /// resolve.
    public var arguments: Value?
    /// What the command printed, both streams in order, error lines as printed (without `! `).
    public var result: String
    /// True when the command failed: an `isError` result, a refused or invalid call line, a failed meta command.
    public var isError: Bool
    /// Wall time of the command in milliseconds.
    public var elapsedMs: Double
    /// True when the command succeeded and, under `--check`, printed what the transcript recorded.
    public var ok: Bool
    /// Under `--check`, the unified diff between the recorded and the printed output when they differ.
    public var diff: String?

    public init(
        command: String, line: Int?, arguments: Value?, result: String, isError: Bool, elapsed: Duration, ok: Bool,
        diff: String? = nil
    ) {
        self.command = command
        self.line = line
        self.arguments = arguments
        self.result = result
        self.isError = isError
        let (seconds, attoseconds) = elapsed.components
        // Microsecond precision: finer figures are noise for a command.
        self.elapsedMs = ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000
        self.ok = ok
        self.diff = diff
    }

    private enum CodingKeys: String, CodingKey {
        case command, line, arguments, result, isError, elapsedMs, ok, diff
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(command, forKey: .command)
        try container.encodeIfPresent(line, forKey: .line)
        // Always present, so every object has the same keys: null for meta commands.
        try container.encode(arguments ?? .null, forKey: .arguments)
        try container.encode(result, forKey: .result)
        try container.encode(isError, forKey: .isError)
        try container.encode(elapsedMs, forKey: .elapsedMs)
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(diff, forKey: .diff)
    }

    /// The report as one line of JSON (keys sorted, masked), without the line break.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var report = self
        // Arguments holding a value JSON cannot carry (a NaN double) must not cost the whole line.
        let data = (try? encoder.encode(report)) ?? {
            report.arguments = nil
            return (try? encoder.encode(report)) ?? Data()
        }()
        return Redactor.shared.redact(String(decoding: data, as: UTF8.self))
    }
}
