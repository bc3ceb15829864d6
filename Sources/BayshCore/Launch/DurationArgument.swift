import Foundation

/// Durations on the command line: `90s`, `15m`, `2h`, `7d`, or a plain number of seconds (`--older-than`,
/// `--create-timeout`).
public enum DurationArgument {
    /// The duration `text` names, or nil when it is not one (negative, empty, unknown unit).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // `5ms` also ends in `s`; the longer suffix is tried first, so a leftover letter means no match.
            guard let value = Double(number), value >= 0, value.isFinite else { continue }
            return .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds.isFinite else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
