import Foundation

/// Looks for secrets in text: the whole value, and every 8-character piece of its random part (what follows a
/// short prefix such as `akm-`), so a secret cut, wrapped or partly masked is caught as well as a whole one.
public struct SecretScan {
    /// What to look for, by a name used in failure messages.
    public let secrets: [String: String]

    public init(secrets: [String: String]) { self.secrets = secrets }

    /// Every place `text` (named `place`) shows a secret, as `"place: name"` lines.
    public func leaks(in text: String, place: String) -> [String] {
        secrets.sorted { $0.key < $1.key }.compactMap { name, secret in
            Self.pieces(of: secret).contains { text.contains($0) } ? "\(place): \(name)" : nil
        }
    }

    /// Every regular file under `folder`, recursively, scanned as UTF-8 (invalid bytes replaced).
    public func leaks(underFolder folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        var found: [String] = []
        for case let url as URL in walker {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            found += leaks(in: String(decoding: data, as: UTF8.self), place: url.path)
        }
        return found
    }

    /// The secret itself and each 8-character window of the part after a prefix of up to five characters ending
    /// in `-` or `_`.
    public static func pieces(of secret: String) -> [String] {
        var random = Substring(secret)
        if let cut = secret.firstIndex(where: { $0 == "-" || $0 == "_" }),
            secret.distance(from: secret.startIndex, to: cut) <= 5
        {
            random = secret[secret.index(after: cut)...]
        }
        let characters = Array(random)
        guard characters.count >= 8 else { return [secret] }
        return [secret] + (0...(characters.count - 8)).map { String(characters[$0..<($0 + 8)]) }
    }

    /// Files below `folder` (relative paths), to show that the scan had something to look at.
    public static func files(under folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder)
                && !isFolder.boolValue
        }.sorted()
    }

    /// A random secret body of `count` characters; with `symbols` it holds `/`, `+` and `=` too, so escaped and
    /// percent-encoded copies (JSON writes `/` as `\/`, forms write `+` as `%2B`) are looked for as well.
    public static func randomPart(_ count: Int, symbols: Bool = false) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789" + (symbols ? "/+=" : ""))
        return String((0..<count).map { _ in alphabet.randomElement()! })
    }
}
