import Foundation
import Testing

/// Looks for secrets in text: the whole value, and every 8-character piece of its random part (what follows a
/// short prefix such as `akm-`), so a secret cut, wrapped or partly masked is caught as well as a whole one.
struct SecretScan {
    /// What to look for, by a name used in failure messages.
    let secrets: [String: String]

    /// Every place `text` (named `place`) shows a secret, as `"place: name"` lines.
    func leaks(in text: String, place: String) -> [String] {
        secrets.sorted { $0.key < $1.key }.compactMap { name, secret in
            Self.pieces(of: secret).contains { text.contains($0) } ? "\(place): \(name)" : nil
        }
    }

    /// Every regular file under `folder`, recursively, scanned as UTF-8 (invalid bytes replaced).
    func leaks(underFolder folder: URL) -> [String] {
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
    static func pieces(of secret: String) -> [String] {
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
    static func files(under folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder)
                && !isFolder.boolValue
        }.sorted()
    }
}

@Suite struct SecretScanTests {
    @Test func piecesCoverEveryWindowOfTheRandomPart() {
        let pieces = SecretScan.pieces(of: "akm-0123456789")
        #expect(pieces == ["akm-0123456789", "01234567", "12345678", "23456789"])
        let scan = SecretScan(secrets: ["key": "akm-0123456789"])
        #expect(scan.leaks(in: "tail 3456789 only", place: "x").isEmpty)
        #expect(scan.leaks(in: "cut: 12345678…", place: "x") == ["x: key"])
    }
}
