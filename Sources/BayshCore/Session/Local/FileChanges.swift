import CBayshLinux
import Foundation

/// The filesystem tools that change the workspace: write, edit, create a folder, move, delete. Each works on
/// descriptors opened beneath the workspace (``Workspace/open(_:flags:mode:)``, ``Workspace/parent(of:)``) with
/// `*at` calls, so a folder swapped for a symlink meanwhile cannot send a write, a move or a delete outside.
extension FileTools {
    func writeFile(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let content = try arguments.requiredString("content")
        let append = try arguments.choice("mode", of: ["overwrite", "append"]) == "append"
        let target = try workspace.resolve(path)
        try checkParentExists(target, path)
        let flags = O_WRONLY | O_CREAT | O_NONBLOCK | (append ? O_APPEND : O_TRUNC)
        let fd = workspace.open(target, flags: flags, mode: 0o644)
        guard fd >= 0 else { throw Self.failure(errno, path) }
        defer { close(fd) }
        try Self.writeAll(fd, Array(content.utf8), path: path)
        return "Successfully \(append ? "appended" : "wrote") \(content.utf8.count) bytes to \(path)"
    }

    func editFile(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let edits = try arguments.objectArray("edits") ?? []
        let dryRun = try arguments.bool("dryRun") ?? false
        guard !edits.isEmpty else { throw ToolFailure("edit_file: give at least one edit in 'edits'") }
        let original = try readText(path, offset: 0, length: nil)
        var edited = original
        for (index, edit) in edits.enumerated() {
            guard case .string(let oldText)? = edit["oldText"], case .string(let newText)? = edit["newText"] else {
                throw ToolFailure("edit_file: edits[\(index)] needs string fields 'oldText' and 'newText'")
            }
            if let extra = edit.keys.sorted().first(where: { $0 != "oldText" && $0 != "newText" }) {
                throw ToolFailure("edit_file: edits[\(index)] has an unknown field '\(extra)'")
            }
            guard !oldText.isEmpty else { throw ToolFailure("edit_file: edits[\(index)].oldText is empty") }
            let ranges = edited.ranges(of: oldText)
            guard let first = ranges.first else {
                throw ToolFailure("edit_file: edits[\(index)].oldText not found in \(path): \(Self.quote(oldText))")
            }
            guard ranges.count == 1 else {
                throw ToolFailure(
                    "edit_file: edits[\(index)].oldText occurs \(ranges.count) times in \(path): \(Self.quote(oldText)); add surrounding text to make it unique")
            }
            edited.replaceSubrange(first, with: newText)
        }
        let diff = LineDiff.unified(from: original, to: edited, path: path)
        if !dryRun && edited != original {
            try replaceContents(of: path, with: edited)
        }
        return diff.isEmpty ? "No changes to \(path)" : diff
    }

    func createDirectory(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let target = try workspace.resolve(path)
        if target.exists {
            guard isFolder(target) else { throw ToolFailure("'\(path)' exists and is a file, not a folder") }
            return "Directory already exists: \(path)"
        }
        // mkdir -p, one folder at a time, each made inside its parent opened beneath the workspace.
        var made: [String] = []
        for name in target.relative.split(separator: "/").map(String.init) {
            let parent = workspace.open(relative: made.joined(separator: "/"), flags: Workspace.pathOnly | O_DIRECTORY)
            guard parent >= 0 else { throw Self.failure(errno, path) }
            let status = mkdirat(parent, name, 0o755)
            let code = errno
            close(parent)
            if status != 0 && code != EEXIST {
                throw ToolFailure("cannot create folder '\(path)': \(String(cString: strerror(code)))")
            }
            made.append(name)
        }
        guard isFolder(target) else { throw ToolFailure("'\(path)' exists and is a file, not a folder") }
        return "Successfully created directory \(path)"
    }

    func moveFile(_ arguments: ToolArguments) throws -> String {
        let sourcePath = try arguments.requiredString("source")
        let destinationPath = try arguments.requiredString("destination")
        let source = try existing(sourcePath, finalLink: .keep)
        guard !source.relative.isEmpty else { throw ToolFailure("move_file cannot move the workspace folder itself") }
        let destination = try workspace.resolve(destinationPath, finalLink: .keep)
        if destination.exists {
            throw ToolFailure("destination '\(destinationPath)' already exists; delete it first or choose another name")
        }
        try checkParentExists(destination, destinationPath)
        guard let from = workspace.parent(of: source) else { throw Self.failure(errno, sourcePath) }
        defer { close(from.descriptor) }
        guard let to = workspace.parent(of: destination) else { throw Self.failure(errno, destinationPath) }
        defer { close(to.descriptor) }
        guard bayshlinux_renameat_noreplace(from.descriptor, from.name, to.descriptor, to.name) == 0 else {
            switch errno {
            case EEXIST:
                throw ToolFailure("destination '\(destinationPath)' already exists; delete it first or choose another name")
            case EINVAL: throw ToolFailure("cannot move '\(sourcePath)' into itself ('\(destinationPath)')")
            case let code: throw Self.failure(code, "\(sourcePath)' -> '\(destinationPath)")
            }
        }
        return "Successfully moved \(sourcePath) to \(destinationPath)"
    }

    func deleteFile(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let target = try existing(path, finalLink: .keep)
        guard !target.relative.isEmpty else { throw ToolFailure("delete_file cannot delete the workspace folder itself") }
        guard let parent = workspace.parent(of: target) else { throw Self.failure(errno, path) }
        defer { close(parent.descriptor) }
        var info = stat()
        guard fstatat(parent.descriptor, parent.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw Self.failure(errno, path)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            guard unlinkat(parent.descriptor, parent.name, AT_REMOVEDIR) == 0 else {
                if errno == ENOTEMPTY || errno == EEXIST {
                    throw ToolFailure("folder '\(path)' is not empty; delete what is in it first")
                }
                throw Self.failure(errno, path)
            }
        } else if unlinkat(parent.descriptor, parent.name, 0) != 0 {
            throw Self.failure(errno, path)
        }
        return "Successfully deleted \(path)"
    }

    /// A file or folder about to be created needs its folder; saying which one is missing beats a bare ENOENT.
    private func checkParentExists(_ target: Workspace.Resolved, _ path: String) throws {
        guard !target.exists else { return }
        // Split by hand: NSString's deletingLastPathComponent traps on some one-component relative paths on Linux.
        let parent = target.relative.split(separator: "/").dropLast().joined(separator: "/")
        guard workspace.kind(of: parent) == S_IFDIR else {
            let name = parent.isEmpty ? "." : parent
            throw ToolFailure("the folder '\(name)' for '\(path)' does not exist; create it with create_directory first")
        }
    }

    /// Writes the new text beside the file and renames it over the old one, so a failure midway leaves the old
    /// file whole. The file keeps its permissions.
    private func replaceContents(of path: String, with text: String) throws {
        let target = try existing(path)
        guard let folder = workspace.parent(of: target) else { throw Self.failure(errno, path) }
        defer { close(folder.descriptor) }
        var info = stat()
        guard fstatat(folder.descriptor, folder.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw Self.failure(errno, path)
        }
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<100 where fd < 0 {
            temporary = ".baysh-edit-" + String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
            fd = openat(folder.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 && errno != EEXIST { throw Self.failure(errno, path) }
        }
        guard fd >= 0 else { throw Self.failure(EEXIST, path) }
        do {
            defer { close(fd) }
            try Self.writeAll(fd, Array(text.utf8), path: path)
            fchmod(fd, info.st_mode & 0o7777)
        } catch {
            unlinkat(folder.descriptor, temporary, 0)
            throw error
        }
        guard renameat(folder.descriptor, temporary, folder.descriptor, folder.name) == 0 else {
            let code = errno
            unlinkat(folder.descriptor, temporary, 0)
            throw Self.failure(code, path)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        if let code = bytes.withUnsafeBytes({ DescriptorWrite.all($0, to: fd) }) { throw failure(code, path) }
    }

    private static func quote(_ text: String) -> String {
        let shown = text.count > 80 ? text.prefix(80) + "…" : Substring(text)
        return "'" + shown.replacingOccurrences(of: "\n", with: "\\n") + "'"
    }
}
