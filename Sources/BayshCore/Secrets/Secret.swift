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

    /// Adds a value to scrub, with the copies of it that JSON text and URL or form encoding make (a `/` written
    /// `\/`, a `+` written `%2B`): a secret echoed inside a JSON answer or a logged URL is still the secret.
    /// Idempotent.
    public func register(_ value: String) {
        guard value.count >= 6 else { return }
        let forms = Set([value, Self.jsonEscaped(value), FormEncoding.escape(value)])
        secrets.withLock { list in
            let new = forms.filter { !list.contains($0) }
            guard !new.isEmpty else { return }
            list += new
            // Longest first, so a secret that contains another is replaced whole.
            list.sort { $0.count > $1.count }
        }
    }

    /// Registers an HTTP header value, and for a credential such as `Bearer abc…` or `Basic abc…` the part after
    /// the scheme too: a server may quote the token without its scheme.
    public func register(headerValue value: String) {
        register(value)
        let parts = value.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].count <= 16, parts[0].allSatisfy({ $0.isLetter || $0 == "-" }) {
            register(String(parts[1]).trimmingCharacters(in: .whitespaces))
        }
    }

    private static func jsonEscaped(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "/": out += "\\/"
            default: out.append(character)
            }
        }
        return out
    }

    /// The mask of the first registered secret `text` holds, or nil when it holds none: a file about to be sent
    /// (`key@=/proc/self/environ`) is refused rather than sent with baysh's own key in it.
    public func secretMask(in text: String) -> String? {
        let list = secrets.withLock { $0 }
        return list.first { text.contains($0) }.map(Secret.mask)
    }

    /// Whether `value` is a registered secret (a variable holding it is withheld from the servers baysh starts).
    public func isSecret(_ value: String) -> Bool {
        secrets.withLock { $0.contains(value) }
    }

    /// Whether any value is registered: with none, text needs no redacting.
    var isEmpty: Bool { secrets.withLock { $0.isEmpty } }

    /// Where text arriving in pieces may be cut so that redacting each piece alone masks every secret: `end` (at
    /// most), moved back to a character boundary and to before any registered value that starts before the cut and
    /// ends after it, or that starts too late in `bytes` to be sure it ends within them. 0 when no cut is safe.
    func pieceEnd(in bytes: UnsafeBufferPointer<UInt8>, atMost end: Int) -> Int {
        let values = secrets.withLock { $0 }.map { Array($0.utf8) }
        let longest = values.map(\.count).max() ?? 0
        var cut = max(0, min(end, bytes.count - max(longest - 1, 0)))
        while cut > 0, cut < bytes.count, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        var moved = true
        while moved {
            moved = false
            for value in values {
                for start in max(0, cut - value.count + 1)..<max(cut, 0)
                where start + value.count <= bytes.count && bytes[start..<start + value.count].elementsEqual(value) {
                    cut = start
                    moved = true
                    break
                }
            }
        }
        return cut
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
