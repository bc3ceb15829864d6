import Foundation

/// How one session of a fan-out ended.
public struct FanoutResult: Sendable, Equatable {
    public var slot: FanoutSlot
    /// The session's id; nil when it was never created.
    public var sessionId: String?
    /// The replay succeeded (and, under `--check`, matched the recording), and the session was deleted.
    public var passed: Bool
    /// The first difference or error, on one line, escaped and bounded; nil when passed.
    public var problem: String?
    /// From the first create attempt to the end of the replay (waiting for a parallel slot not counted).
    public var elapsed: Duration
    /// Create attempts refused for capacity (quota, throttling) before one succeeded.
    public var capacityRefusals: Int
    /// Commands replayed.
    public var commands: Int

    /// One line of `--json`: `{"commands":3,"elapsedMs":812,"image":"linux_latest","index":1,"passed":true,
    /// "problem":null,"quotaRetries":0,"session":"session-…"}`.
    public var jsonLine: String {
        let object: [String: Any] = [
            "index": slot.index, "image": slot.image ?? NSNull(), "session": sessionId ?? NSNull(),
            "passed": passed, "problem": problem ?? NSNull(), "commands": commands,
            "elapsedMs": Int((elapsed.seconds * 1000).rounded()), "quotaRetries": capacityRefusals,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Redactor.shared.redact(String(decoding: data, as: UTF8.self))
    }

    /// Server-sent text for a table cell: control characters made visible, one line, at most `width` columns.
    static func cell(_ text: String, width: Int = 100) -> String {
        let flat = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            if scalar == "\n" || scalar == "\t" || scalar == "\r" { return " " }
            return scalar.properties.generalCategory == .control ? "\u{FFFD}" : scalar
        }))
        return TerminalText.truncated(Redactor.shared.redact(flat), toWidth: width)
    }

    /// The first failing command's report as a cell: `line 7 (echo hi): differs, got "hx"` or
    /// `line 9 (fail): failed: boom`.
    static func problem(of report: CommandReport) -> String {
        let place = (report.line.map { "line \($0) " } ?? "") + "(" + cell(report.command, width: 40) + ")"
        if let diff = report.diff {
            let changed = diff.split(separator: "\n").first { $0.hasPrefix("+") && !$0.hasPrefix("+++") }
            return place + ": differs" + (changed.map { ", got \"\(cell(String($0.dropFirst()), width: 60))\"" } ?? "")
        }
        let first = report.result.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return place + ": failed" + (first.map { ": " + cell(String($0), width: 80) } ?? "")
    }
}

/// What the live line shows.
public struct FanoutCounts: Sendable, Equatable {
    public var total = 0
    /// Sessions created so far (done ones included).
    public var created = 0
    public var passed = 0
    public var failed = 0
    public var creating = 0
    /// Waiting to try again after a quota or throttling refusal.
    public var waiting = 0
    public var replaying = 0
    public var deleting = 0

    /// `12/24 sessions · 9 passed · 1 failed · 3 creating · 2 replaying · 4 waiting for quota · 1 deleting`:
    /// the last three only when not zero.
    public var line: String {
        var parts = ["\(created)/\(total) sessions", "\(passed) passed", "\(failed) failed", "\(creating) creating"]
        if replaying > 0 { parts.append("\(replaying) replaying") }
        if waiting > 0 { parts.append("\(waiting) waiting for quota") }
        if deleting > 0 { parts.append("\(deleting) deleting") }
        return parts.joined(separator: " · ")
    }
}
