import Foundation

/// The filesystem tools of a local session (`wuying_filesystem`): every path goes through ``Workspace/resolve(_:finalLink:)``
/// first, and files are opened with `O_NOFOLLOW`. Each tool returns the text of its result or throws a
/// ``ToolFailure`` / ``SessionError`` that the session turns into an `isError` result.
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
        let bytes = try readBytes(path, offset: offset, length: length)
        return binary ? Data(bytes).base64EncodedString() : try Self.text(bytes, path: path)
    }

    func readMultipleFiles(_ arguments: ToolArguments) throws -> String {
        let paths = try arguments.stringArray("paths") ?? []
        guard !paths.isEmpty else { throw ToolFailure("read_multiple_files: give at least one path in 'paths'") }
        return paths.map { path in
            do {
                return "\(path): " + (try Self.text(readBytes(path, offset: 0, length: nil), path: path))
            } catch {
                return "\(path): Error - \(error)"
            }
        }.joined(separator: "\n---\n")
    }

    func listDirectory(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let folder = try existing(path)
        guard isFolder(folder.path) else { throw ToolFailure("'\(path)' is a file, not a folder; read it with read_file") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw ToolFailure("cannot list '\(path)': \(error.localizedDescription)")
        }
        return names.sorted().map { name in
            (isFolder(folder.path + "/" + name) ? "[DIR] " : "[FILE] ") + name
        }.joined(separator: "\n")
    }

    func getFileInfo(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let target = try existing(path)
        var info = stat()
        guard stat(target.path, &info) == 0 else { throw Self.failure(errno, path) }
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
        let target = try existing(path)
        let fd = open(target.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Self.failure(errno, path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.failure(errno, path) }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw ToolFailure("'\(path)' is a folder; list it with list_directory") }
        guard kind == S_IFREG else { throw ToolFailure("'\(path)' is not a regular file (a device, pipe or socket)") }
        let size = Int(info.st_size)
        guard offset <= size else {
            throw ToolFailure("offset \(offset) is past the end of '\(path)' (\(size) bytes)")
        }
        let wanted = min(length ?? (size - offset), size - offset)
        guard wanted <= Self.maxReadBytes else {
            throw ToolFailure(
                "'\(path)' has \(wanted) bytes from offset \(offset); read at most \(Self.maxReadBytes) at a time with offset and length")
        }
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let count = bytes.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + done, wanted - done, off_t(offset + done))
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.failure(errno, path) }
            if count == 0 { break }
            done += count
        }
        return Array(bytes[..<done])
    }

    /// A path that must exist.
    func existing(_ path: String, finalLink: Workspace.FinalLink = .follow) throws -> Workspace.Resolved {
        let resolved = try workspace.resolve(path, finalLink: finalLink)
        guard resolved.exists else { throw ToolFailure("'\(path)' does not exist in the workspace") }
        return resolved
    }

    func isFolder(_ absolutePath: String) -> Bool {
        var info = stat()
        return stat(absolutePath, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
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
        default: ToolFailure("'\(path)': \(String(cString: strerror(code)))")
        }
    }

    static func iso8601(_ time: timespec) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(time.tv_sec) + TimeInterval(time.tv_nsec) / 1e9)
        return date.formatted(.iso8601)
    }
}
