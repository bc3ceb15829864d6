import Foundation
import Synchronization

/// A secret (API key, bearer token, VPC token) that prints masked everywhere: `description`, `debugDescription`,
/// string interpolation and `dump` all show ``masked``. Only ``revealed`` gives the value, so every place that sends
/// a secret over the wire is one grep away.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The plain value, for the wire only.
    public let revealed: String

    /// Registers the value with ``Redactor/shared`` so any text that still carries it is scrubbed before output.
    public init(_ value: String) {
        self.revealed = value
        Redactor.shared.register(value)
    }

    /// `akm-****abcd`: the prefix up to the first dash (when short), four stars, the last four characters. Values
    /// under 12 characters show only stars, since four characters of them would be too much of the secret.
    public var masked: String { Secret.mask(revealed) }

    public var description: String { masked }
    public var debugDescription: String { masked }
    public var customMirror: Mirror { Mirror(self, children: ["masked": masked]) }

    /// Masks any secret-shaped string the same way a ``Secret`` masks itself.
    public static func mask(_ value: String) -> String {
        guard value.count >= 12 else { return "****" }
        var prefix = ""
        if let dash = value.firstIndex(of: "-"), value.distance(from: value.startIndex, to: dash) <= 4 {
            prefix = String(value[...dash])
        }
        return prefix + "****" + String(value.suffix(4))
    }
}

/// The last line of defence for secrets: every known secret value is replaced by its mask in text bound for stdout,
/// stderr, history, transcripts and logs. Values shorter than 6 characters are not registered (they would scrub
/// ordinary words).
public final class Redactor: Sendable {
    /// The process-wide redactor that ``Secret`` registers with.
    public static let shared = Redactor()

    private let secrets = Mutex<[String]>([])

    public init() {}

    /// Adds a value to scrub. Idempotent.
    public func register(_ value: String) {
        guard value.count >= 6 else { return }
        secrets.withLock { list in
            if !list.contains(value) {
                list.append(value)
                // Longest first, so a secret that contains another is replaced whole.
                list.sort { $0.count > $1.count }
            }
        }
    }

    /// `text` with every registered secret replaced by its mask.
    public func redact(_ text: String) -> String {
        let list = secrets.withLock { $0 }
        guard !list.isEmpty else { return text }
        var out = text
        for secret in list where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: Secret.mask(secret))
        }
        return out
    }
}
