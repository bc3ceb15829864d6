import Foundation

/// The folder where binary results and the full text of truncated results are saved:
/// `$XDG_STATE_HOME/baysh/output/<session-id>/` (created on first use).
public struct OutputFolder: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The folder for `sessionId` under baysh's state directory.
    public init(sessionId: String, paths: StatePaths) {
        self.directory = paths.root.appendingPathComponent("output")
            .appendingPathComponent(StatePaths.safeFileName(sessionId))
    }

    /// Saves `data` as `<stem>-<n>.<ext>` (the first free `n`) and gives its path.
    public func save(_ data: Data, stem: String, fileExtension: String) throws -> String {
        try save(stem: stem, fileExtension: fileExtension) { try $0.write(contentsOf: data) }
    }

    /// Saves `text` as UTF-8, written straight from the string's own bytes: a huge result is not copied to do it.
    public func save(text: String, stem: String, fileExtension: String) throws -> String {
        try save(stem: stem, fileExtension: fileExtension) { handle in
            try TerminalText.withUTF8(text) { bytes in
                try handle.write(contentsOf: UnsafeRawBufferPointer(bytes))
            }
        }
    }

    private func save(stem: String, fileExtension: String, write: (FileHandle) throws -> Void) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stem = StatePaths.safeFileName(stem)
        var number = 0
        while true {
            number += 1
            let url = directory.appendingPathComponent("\(stem)-\(number).\(fileExtension)")
            // `createFile` would overwrite; opening with O_EXCL claims the name even if two shells race.
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw SaveError(path: url.path, reason: String(cString: strerror(errno)))
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            do {
                try write(handle)
                try handle.close()
            } catch {
                throw SaveError(path: url.path, reason: "\(error.localizedDescription)")
            }
            return url.path
        }
    }

    /// A file could not be saved (disk full, read-only folder).
    public struct SaveError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot save \(path): \(reason)" }
    }

    /// The file extension for a MIME type (`image/png` is `png`); `bin` when unknown.
    public static func fileExtension(forMIMEType mimeType: String?) -> String {
        let known: [String: String] = [
            "image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/gif": "gif", "image/webp": "webp",
            "image/svg+xml": "svg", "image/bmp": "bmp", "audio/wav": "wav", "audio/x-wav": "wav",
            "audio/wave": "wav", "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/ogg": "ogg", "audio/webm": "webm",
            "audio/flac": "flac", "application/pdf": "pdf", "application/json": "json", "text/plain": "txt",
            "text/html": "html", "text/csv": "csv", "application/zip": "zip",
        ]
        let base = mimeType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return base.flatMap { known[$0] } ?? "bin"
    }
}
