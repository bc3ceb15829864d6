import Foundation

/// The folder a local session's file tools and shell are confined to, and the one place that turns a path from a
/// tool call into a path on disk.
///
/// Paths resolve with realpath semantics, one component at a time: every existing component is looked at with
/// `lstat`, symlinks are expanded in place (relative to their folder, or from the root for absolute targets), and the
/// walk is refused the moment it would leave the workspace, whether through `..`, an absolute path, or a symlink at
/// any depth (dangling ones included). Missing components are allowed at the end, for files about to be created.
/// The resolved path contains no symlinks, and nothing is ever opened by its absolute name: every open, create,
/// move, delete and listing goes through ``open(_:flags:mode:)`` or ``parent(of:)`` (WorkspaceDescriptors.swift),
/// which walk the resolved relative path from a descriptor of the workspace folder without following any symlink
/// (openat2 with `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`). A folder swapped for a symlink to outside between
/// resolving and opening therefore fails the call instead of leading out of the workspace.
struct Workspace: Sendable {
    /// The workspace folder with symlinks resolved (`/home/me/.local/share/baysh/sessions/local-…`).
    let root: String
    /// The folder as given, which may differ from ``root`` when it goes through a symlink (`/tmp` on macOS).
    let givenRoot: String
    /// The workspace folder, held open: what every path is opened beneath.
    let directory: RootDirectory

    /// Whether a symlink in the last position is followed (read, write, list) or taken as itself (delete, the
    /// source and destination of a move), so deleting a link never deletes what it points to.
    enum FinalLink {
        case follow
        case keep
    }

    /// A path inside the workspace.
    struct Resolved: Equatable {
        /// Absolute path without symlinks (except a kept final one).
        var path: String
        /// Path relative to the workspace root, "" for the root itself.
        var relative: String
        /// Whether every component exists.
        var exists: Bool
    }

    static let maxSymlinkHops = 40
    static let maxPathBytes = 4095
    static let maxNameBytes = 255

    init(folder: String) throws {
        guard let real = realpath(folder, nil) else {
            throw SessionError.notFound(
                "workspace folder \(folder) cannot be opened: \(String(cString: strerror(errno)))")
        }
        root = String(cString: real)
        free(real)
        givenRoot = (folder as NSString).standardizingPath
        directory = try RootDirectory(path: root)
    }

    func resolve(_ raw: String, finalLink: FinalLink = .follow) throws -> Resolved {
        try Self.checkShape(raw)
        var pending = try componentsInside(raw)
        var current: [String] = []
        var missingFrom: String?
        var hops = 0
        var lastLink: (name: String, target: String)?

        func refuse(_ reason: String) -> SessionError {
            var reason = reason
            if let lastLink { reason += " (after following symlink '\(lastLink.name)' -> '\(lastLink.target)')" }
            return .outsideWorkspace(path: raw, reason: reason)
        }

        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component.isEmpty || component == "." { continue }
            if component == ".." {
                if let missingFrom {
                    throw ToolFailure("'\(raw)' goes through '\(missingFrom)', which does not exist")
                }
                if current.isEmpty { throw refuse("'..' leaves the workspace") }
                current.removeLast()
                continue
            }
            if missingFrom != nil {
                current.append(component)
                continue
            }
            let candidate = absolute(current + [component])
            var info = stat()
            if lstat(candidate, &info) != 0 {
                let code = errno
                guard code == ENOENT || code == ENOTDIR else {
                    throw ToolFailure("cannot look at '\(relative(current + [component]))': \(String(cString: strerror(code)))")
                }
                missingFrom = relative(current + [component])
                current.append(component)
                continue
            }
            let isLink = (info.st_mode & S_IFMT) == S_IFLNK
            if !isLink || (finalLink == .keep && pending.isEmpty) {
                current.append(component)
                continue
            }
            hops += 1
            if hops > Self.maxSymlinkHops {
                throw ToolFailure("'\(raw)' goes through more than \(Self.maxSymlinkHops) symlinks (a loop?)")
            }
            let target = try Self.readLink(candidate)
            let link = relative(current + [component])
            if target.hasPrefix("/") {
                guard let inside = strippedRoot(target) else {
                    throw refuse("symlink '\(link)' points to '\(target)', outside the workspace")
                }
                current = []
                pending = inside + pending
            } else {
                pending = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init) + pending
            }
            lastLink = (link, target)
        }
        return Resolved(path: absolute(current), relative: current.joined(separator: "/"), exists: missingFrom == nil)
    }

    /// The workspace-relative name of an absolute path inside the workspace, for search results and messages.
    func relativeName(of path: String) -> String {
        if path == root { return "." }
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    private func absolute(_ components: [String]) -> String {
        components.isEmpty ? root : root + "/" + components.joined(separator: "/")
    }

    private func relative(_ components: [String]) -> String {
        components.joined(separator: "/")
    }

    /// Components of `raw` below the root: relative paths as they are, absolute ones only when they start with the
    /// workspace folder (as given or resolved). `~` is a plain name here: no shell, no expansion.
    private func componentsInside(_ raw: String) throws -> [String] {
        if raw.hasPrefix("/") {
            guard let inside = strippedRoot(raw) else {
                throw SessionError.outsideWorkspace(
                    path: raw, reason: "it is an absolute path outside the workspace \(root)")
            }
            return inside
        }
        return raw.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private func strippedRoot(_ absolutePath: String) -> [String]? {
        for prefix in [root, givenRoot] where absolutePath == prefix || absolutePath.hasPrefix(prefix + "/") {
            return absolutePath.dropFirst(prefix.count).split(separator: "/").map(String.init)
        }
        return nil
    }

    private static func checkShape(_ raw: String) throws {
        if raw.isEmpty { throw ToolFailure("the path is empty; use '.' for the workspace folder") }
        if raw.utf8.contains(0) {
            throw SessionError.outsideWorkspace(
                path: raw.replacingOccurrences(of: "\0", with: "\\0"), reason: "it contains a NUL byte")
        }
        if raw.utf8.count > maxPathBytes {
            throw ToolFailure("the path is \(raw.utf8.count) bytes long; paths are limited to \(maxPathBytes) bytes")
        }
        if let long = raw.split(separator: "/").first(where: { $0.utf8.count > maxNameBytes }) {
            throw ToolFailure(
                "the name '\(long.prefix(40))…' is \(long.utf8.count) bytes long; names are limited to \(maxNameBytes) bytes")
        }
    }

    private static func readLink(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, Int(PATH_MAX))
        guard count >= 0 else {
            throw ToolFailure("cannot read symlink \(path): \(String(cString: strerror(errno)))")
        }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
