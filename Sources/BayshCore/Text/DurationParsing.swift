import Foundation

/// Durations as people type them on the command line: `90s`, `5m`, `1h`, `1h30m`, `250ms`.
public enum DurationParsing {
    /// Why a duration text was refused; `description` says what was wrong and what to type.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses `text` for `flag` (named in the error). Parts with units may follow each other (`1h30m`); a bare
    /// number is refused, since seconds and minutes are both plausible and a wrong guess is costly.
    public static func parse(_ text: String, flag: String) throws(Failure) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let example = "write it with a unit, such as 90s, 5m, 1h or 1h30m"
        guard !trimmed.isEmpty else { throw Failure(description: "\(flag) needs a duration; \(example)") }
        var rest = Substring(trimmed)
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else {
                throw Failure(description: "\(flag) '\(text)' is not a duration; \(example)")
            }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isLetter }
            guard !letters.isEmpty else {
                throw Failure(description: "\(flag) '\(text)': '\(digits)' has no unit; \(example)")
            }
            guard let unit = units.first(where: { $0.suffix == letters }) else {
                throw Failure(
                    description: "\(flag) '\(text)': unknown unit '\(letters)'; use ms, s, m, h or d (\(example))")
            }
            rest = rest.dropFirst(letters.count)
            let (product, overflow) = number.multipliedReportingOverflow(by: unit.milliseconds)
            let (sum, overflowSum) = total.addingReportingOverflow(product)
            guard !overflow, !overflowSum, sum <= 366 * 86_400_000 else {
                throw Failure(description: "\(flag) '\(text)' is longer than a year")
            }
            total = sum
        }
        guard total > 0 else { throw Failure(description: "\(flag) '\(text)' must be longer than zero") }
        return .milliseconds(total)
    }

    /// `4 s`, `1.3 s`, `5 min`, `1 h 30 min`, `250 ms`: how baysh shows such durations back.
    public static func text(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        // Under 10 s a tenth matters (a keep-alive every 1.3 s); above, whole seconds read better.
        if milliseconds < 9950, (milliseconds + 50) / 100 % 10 != 0 {
            return "\((milliseconds + 50) / 1000).\((milliseconds + 50) / 100 % 10) s"
        }
        var seconds = (milliseconds + 500) / 1000
        if seconds < 60 { return "\(seconds) s" }
        var parts: [String] = []
        let hours = seconds / 3600
        if hours > 0 { parts.append("\(hours) h") }
        seconds %= 3600
        if seconds / 60 > 0 { parts.append("\(seconds / 60) min") }
        if seconds % 60 > 0 { parts.append("\(seconds % 60) s") }
        return parts.joined(separator: " ")
    }
}
