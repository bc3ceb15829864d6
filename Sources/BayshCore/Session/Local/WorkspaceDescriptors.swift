import CBayshLinux
import Foundation

/// The workspace folder opened once (`Workspace.pathOnly`), closed when the last ``Workspace`` copy holding it goes.
final class RootDirectory: Sendable {
    let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, Workspace.pathOnly | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SessionError.notFound(
                "workspace folder \(path) cannot be opened: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }
}

/// Opening resolved paths beneath the workspace descriptor, never following a symlink (see ``Workspace``).
extension Workspace {
    /// `O_PATH`, which Swift's Glibc module does not show.
    static let pathOnly = bayshlinux_o_path()

    /// Opens `resolved` with `flags` (O_CLOEXEC and O_NOFOLLOW are added); -1 with errno on failure. A path that
    /// changed into a symlink since it was resolved fails with ELOOP; one that would leave the workspace with EXDEV.
    func open(_ resolved: Resolved, flags: Int32, mode: mode_t = 0) -> Int32 {
        bayshlinux_open_beneath(directory.descriptor, resolved.relative, flags, UInt32(mode))
    }

    /// Opens the workspace-relative `relative` (no symlinks, no `..`) as ``open(_:flags:mode:)`` does.
    func open(relative: String, flags: Int32, mode: mode_t = 0) -> Int32 {
        bayshlinux_open_beneath(directory.descriptor, relative, flags, UInt32(mode))
    }

    /// The folder that holds `resolved`, opened beneath the workspace, and its last name: what `*at` calls (unlink,
    /// rename, mkdir, create) work on, so the name is looked up in that very folder and never through a symlink.
    /// The caller closes the descriptor.
    func parent(of resolved: Resolved) -> (descriptor: Int32, name: String)? {
        var components = resolved.relative.split(separator: "/").map(String.init)
        guard let name = components.popLast() else { return nil }
        let folder = open(relative: components.joined(separator: "/"), flags: Workspace.pathOnly | O_DIRECTORY)
        return folder >= 0 ? (folder, name) : nil
    }

    /// The file type (`S_IFDIR`, `S_IFREG`…) of the workspace-relative `relative`, without following symlinks;
    /// nil when it cannot be opened beneath the workspace.
    func kind(of relative: String) -> mode_t? {
        let fd = open(relative: relative, flags: Workspace.pathOnly)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        return fstat(fd, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    /// The names in the open folder `descriptor`, without `.` and `..`. Takes over the descriptor (closes it).
    static func names(inFolder descriptor: Int32) -> [String]? {
        guard let folder = fdopendir(descriptor) else {
            close(descriptor)
            return nil
        }
        defer { closedir(folder) }
        var names: [String] = []
        eachName(in: folder) { pointer in
            let name = String(cString: pointer)
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Hands `body` each entry's name in `folder`, read in place: a record is only as long as its name, so copying
    /// the whole `dirent` (with its 256-byte `d_name`) could read past the end of the directory buffer.
    static func eachName(in folder: OpaquePointer, _ body: (UnsafePointer<CChar>) -> Void) {
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(folder) {
            body((UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
        }
    }
}
