import Foundation

/// The filesystem tools of a local session (`wuying_filesystem`): every path goes through ``Workspace/resolve(_:finalLink:)``
/// first, and is then opened beneath the workspace descriptor without following symlinks (``Workspace/open(_:flags:mode:)``),
/// never by its absolute name. Each tool returns the text of its result or throws a ``ToolFailure`` /
/// ``SessionError`` that the session turns into an `isError` result.
struct FileTools: Sendable {
    let workspace: Workspace

    /// Largest read in one call; bigger files are read in ranges with offset and length.
    static let maxReadBytes = 64 << 20

    func readFile(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let offset = try arguments.int("offset") ?? 0
        let length = try arguments.int("length")
        let binary = try arguments.choice("format", of: ["text", "binary"]) == "binary"
        guard offset >= 0 else { throw ToolFailure("read_file: offset must be 0 or more, not \(offset)") }
        if let length, length < 0 { throw ToolFailure("read_file: length must be 0 or more, not \(length)") }
        guard binary else { return try readText(path, offset: offset, length: length) }
        return Data(try readBytes(path, offset: offset, length: length)).base64EncodedString()
    }

    func readMultipleFiles(_ arguments: ToolArguments) throws -> String {
        let paths = try arguments.stringArray("paths") ?? []
        guard !paths.isEmpty else { throw ToolFailure("read_multiple_files: give at least one path in 'paths'") }
        return paths.map { path in
            do {
                return "\(path): " + (try readText(path, offset: 0, length: nil))
            } catch {
                return "\(path): Error - \(error)"
            }
        }.joined(separator: "\n---\n")
    }

    func listDirectory(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let folder = try existing(path)
        let fd = workspace.open(folder, flags: O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else {
            if errno == ENOTDIR { throw ToolFailure("'\(path)' is a file, not a folder; read it with read_file") }
            throw Self.failure(errno, path)
        }
        defer { close(fd) }
        // The copy is read (and closed) by readdir; `fd` stays for looking at each entry.
        guard let names = Workspace.names(inFolder: dup(fd)) else { throw Self.failure(errno, path) }
        return names.sorted().map { name in
            (isFolder(name, in: fd, relative: folder.relative) ? "[DIR] " : "[FILE] ") + name
        }.joined(separator: "\n")
    }

    func getFileInfo(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let target = try existing(path)
        let fd = workspace.open(target, flags: Workspace.pathOnly)
        guard fd >= 0 else { throw Self.failure(errno, path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.failure(errno, path) }
        let kind = info.st_mode & S_IFMT
        let name = target.relative.isEmpty ? (workspace.root as NSString).lastPathComponent
            : (target.relative as NSString).lastPathComponent
        return [
            "name: \(name)",
            "path: \(target.path)",
            "size: \(info.st_size)",
            "modified: \(Self.iso8601(info.st_mtim))",
            "accessed: \(Self.iso8601(info.st_atim))",
            "isDirectory: \(kind == S_IFDIR)",
            "isFile: \(kind == S_IFREG)",
            "permissions: \(String(info.st_mode & 0o7777, radix: 8))",
        ].joined(separator: "\n")
    }

    /// Reads a byte range of a regular file.
    func readBytes(_ path: String, offset: Int, length: Int?) throws -> [UInt8] {
        let range = try openRange(path, offset: offset, length: length)
        defer { close(range.descriptor) }
        return try [UInt8](unsafeUninitializedCapacity: range.wanted) { buffer, count in
            count = try Self.read(range, into: UnsafeMutableRawBufferPointer(buffer), path: path)
        }
    }

    /// Reads a byte range of a regular file as UTF-8 text, straight into the string's own storage: a 64 MB file
    /// is held once, not as bytes and then as a string made from them.
    ///
    /// That initializer checks the bytes in place and keeps them when they are valid UTF-8; invalid bytes are
    /// repaired with U+FFFD (a new string). So only text holding U+FFFD may have been repaired: it is read
    /// again and checked strictly, which refuses a file that is not UTF-8 as before.
    func readText(_ path: String, offset: Int, length: Int?) throws -> String {
        let range = try openRange(path, offset: offset, length: length)
        let text: String
        do {
            defer { close(range.descriptor) }
            text = try String(unsafeUninitializedCapacity: range.wanted) { buffer in
                try Self.read(range, into: UnsafeMutableRawBufferPointer(buffer), path: path)
            }
        }
        guard Self.holdsReplacementCharacter(text) else { return text }
        return try Self.text(readBytes(path, offset: offset, length: length), path: path)
    }

    /// An open regular file, and how many bytes from `offset` are to be read.
    struct OpenRange {
        var descriptor: Int32
        var offset: Int
        var wanted: Int
    }

    /// Opens `path` (a regular file in the workspace) and checks the range against its size and the read limit.
    private func openRange(_ path: String, offset: Int, length: Int?) throws -> OpenRange {
        let target = try existing(path)
        let fd = workspace.open(target, flags: O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw Self.failure(errno, path) }
        do {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw Self.failure(errno, path) }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { throw ToolFailure("'\(path)' is a folder; list it with list_directory") }
            guard kind == S_IFREG else {
                throw ToolFailure("'\(path)' is not a regular file (a device, pipe or socket)")
            }
            let size = Int(info.st_size)
            guard offset <= size else {
                throw ToolFailure("offset \(offset) is past the end of '\(path)' (\(size) bytes)")
            }
            let wanted = min(length ?? (size - offset), size - offset)
            guard wanted <= Self.maxReadBytes else {
                throw ToolFailure(
                    "'\(path)' has \(wanted) bytes from offset \(offset); read at most \(Self.maxReadBytes) at a time with offset and length")
            }
            return OpenRange(descriptor: fd, offset: offset, wanted: wanted)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Reads up to `buffer.count` bytes of `range` (fewer if the file shrank) and gives how many were read.
    private static func read(_ range: OpenRange, into buffer: UnsafeMutableRawBufferPointer, path: String) throws
        -> Int
    {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let count = pread(range.descriptor, base + done, buffer.count - done, off_t(range.offset + done))
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.failure(errno, path) }
            if count == 0 { break }
            done += count
        }
        return done
    }

    /// Whether `text` holds U+FFFD (bytes EF BF BD), found with `memchr` over its bytes in place.
    static func holdsReplacementCharacter(_ text: String) -> Bool {
        TerminalText.withUTF8(text) { bytes in
            guard let base = bytes.baseAddress else { return false }
            var position = 0
            while position + 2 < bytes.count, let hit = memchr(base + position, 0xEF, bytes.count - position - 2) {
                let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                if bytes[index + 1] == 0xBF, bytes[index + 2] == 0xBD { return true }
                position = index + 1
            }
            return false
        }
    }

    /// A path that must exist.
    func existing(_ path: String, finalLink: Workspace.FinalLink = .follow) throws -> Workspace.Resolved {
        let resolved = try workspace.resolve(path, finalLink: finalLink)
        guard resolved.exists else { throw ToolFailure("'\(path)' does not exist in the workspace") }
        return resolved
    }

    /// Whether `resolved` is a folder, looked at beneath the workspace.
    func isFolder(_ resolved: Workspace.Resolved) -> Bool {
        workspace.kind(of: resolved.relative) == S_IFDIR
    }

    /// Whether the entry `name` of the open folder `folder` (at `relative`) is a folder. A symlink counts when it
    /// leads to a folder inside the workspace, as the listing of a folder reached through it would.
    func isFolder(_ name: String, in folder: Int32, relative: String) -> Bool {
        var info = stat()
        guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return true
        case S_IFLNK:
            let path = relative.isEmpty ? name : relative + "/" + name
            return (try? workspace.resolve(path)).map { isFolder($0) } ?? false
        default: return false
        }
    }

    static func text(_ bytes: [UInt8], path: String) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ToolFailure("'\(path)' is not UTF-8 text; read it with format \"binary\" to get base64")
        }
        return text
    }

    /// A system error on `path`, in words.
    static func failure(_ code: Int32, _ path: String) -> ToolFailure {
        switch code {
        case ENOENT: ToolFailure("'\(path)' does not exist in the workspace")
        case ENOTDIR: ToolFailure("'\(path)' is not a folder (or goes through a file)")
        case EISDIR: ToolFailure("'\(path)' is a folder")
        case EACCES, EPERM: ToolFailure("permission denied for '\(path)'")
        case ELOOP:
            ToolFailure("'\(path)' changed into a symlink while being opened; refused (a symlink could leave the workspace)")
        case EXDEV:
            ToolFailure("'\(path)' leads out of the workspace while being opened; refused")
        default: ToolFailure("'\(path)': \(String(cString: strerror(code)))")
        }
    }

    static func iso8601(_ time: timespec) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(time.tv_sec) + TimeInterval(time.tv_nsec) / 1e9)
        return date.formatted(.iso8601)
    }
}
