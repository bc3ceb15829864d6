import Foundation

/// The persistent history of one target (`$XDG_STATE_HOME/baysh/history-local`): loaded at start, appended and
/// flushed as each line is entered so a crash loses nothing, consecutive duplicates dropped, lines starting with a
/// space not saved, known secrets masked, and trimmed to ``limit`` entries.
///
/// On disk each entry is one line; a backslash is written `\\`, a newline (a continued line) `\n`, a CR `\r`. A write
/// failure (disk full, read-only folder) prints one warning and the shell goes on with history in memory only.
public final class HistoryFile {
    /// The file, or nil for `--no-history` (history then lives in memory only).
    public let url: URL?
    /// The most entries kept.
    public let limit: Int
    /// The entries, oldest first, numbered from 1 by `:history`.
    public private(set) var entries: [String] = []

    private let warn: (String) -> Void
    private var entriesInFile = 0
    private var writable = true

    /// - Parameters:
    ///   - url: The history file, or nil to keep history in memory only.
    ///   - limit: The most entries kept (at least 1).
    ///   - warn: Prints the one warning about a file that cannot be read or written.
    public init(url: URL?, limit: Int, warn: @escaping (String) -> Void) {
        self.url = url
        self.limit = max(limit, 1)
        self.warn = warn
    }

    /// Reads the file (a missing file is an empty history) and trims it to ``limit``. Gives the entries.
    @discardableResult
    public func load() -> [String] {
        guard let url else { return entries }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            if FileManager.default.fileExists(atPath: url.path) {
                fail("cannot read history file \(url.path)")
            }
            return entries
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { Self.decode(String($0)) }
        entries = Array(lines.suffix(limit))
        entriesInFile = lines.count
        if lines.count > limit { rewrite() }
        return entries
    }

    /// Records an entered line. Gives false when it is not kept: blank, starting with a space (the usual "keep
    /// this out of history" signal), or the same as the previous entry.
    @discardableResult
    public func record(_ line: String) -> Bool {
        guard !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !line.hasPrefix(" "),
            entries.last != line
        else { return false }
        entries.append(line)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        append(line)
        return true
    }

    private func append(_ line: String) {
        guard let url, writable else { return }
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw HistoryWriteError(errno) }
            defer { close(descriptor) }
            let bytes = Array((Self.encode(Redactor.shared.redact(line)) + "\n").utf8)
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw HistoryWriteError(written < 0 ? errno : ENOSPC) }
            entriesInFile += 1
        } catch {
            fail("cannot save history to \(url.path): \(error)")
            return
        }
        // Let the file run a little over the limit so it is not rewritten on every line.
        if entriesInFile > limit + max(limit / 4, 10) { rewrite() }
    }

    /// Replaces the file with the kept entries, through a temporary file so a crash leaves one or the other.
    private func rewrite() {
        guard let url, writable else { return }
        let text = entries.map { Self.encode(Redactor.shared.redact($0)) + "\n" }.joined()
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
            entriesInFile = entries.count
        } catch {
            fail("cannot trim history file \(url.path): \(error.localizedDescription)")
        }
    }

    private func fail(_ message: String) {
        guard writable else { return }
        writable = false
        warn("baysh: \(message); this run's history will not be saved")
    }

    static func encode(_ line: String) -> String {
        line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r")
    }

    static func decode(_ stored: String) -> String {
        var out = ""
        var escaped = false
        for character in stored {
            if escaped {
                out.append(character == "n" ? "\n" : character == "r" ? "\r" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// An errno from writing the history file, in words.
private struct HistoryWriteError: Error, CustomStringConvertible {
    let code: Int32
    init(_ code: Int32) { self.code = code }
    var description: String { String(cString: strerror(code)) }
}
