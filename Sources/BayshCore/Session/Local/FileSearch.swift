import CBayshLinux
import Foundation

/// search_files: a walk below a folder of the workspace that never follows symlinked folders (they could lead out
/// of the workspace or into a loop).
extension FileTools {
    /// Past this many matches the list is cut, with a line saying so.
    static let maxSearchResults = 10_000

    func searchFiles(_ arguments: ToolArguments) throws -> String {
        let path = try arguments.requiredString("path")
        let pattern = try arguments.requiredString("pattern")
        let excludes = (try arguments.string("excludePatterns") ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !pattern.isEmpty else { throw ToolFailure("search_files: the pattern is empty; use * to match every name") }
        let start = try existing(path)
        let top = workspace.open(start, flags: O_RDONLY | O_DIRECTORY)
        guard top >= 0 else {
            if errno == ENOTDIR { throw ToolFailure("'\(path)' is a file, not a folder to search in") }
            throw Self.failure(errno, path)
        }

        // Each folder is opened from its parent's descriptor with O_NOFOLLOW, so a folder swapped for a symlink
        // during the walk is skipped rather than followed. A folder's names are read before its subfolders are
        // opened, so at most one descriptor per level is open.
        var matches: [String] = []
        var truncated = false
        func walk(_ folder: Int32, _ relative: String) {
            defer { close(folder) }
            guard let names = Workspace.names(inFolder: dup(folder)) else { return }
            for name in names.sorted() where !truncated {
                let entry = relative.isEmpty ? name : relative + "/" + name
                if excludes.contains(where: { Self.isExcluded(name, entry, by: $0) }) { continue }
                if Self.matches(pattern, name) {
                    if matches.count == Self.maxSearchResults {
                        truncated = true
                        return
                    }
                    matches.append(entry)
                }
                var info = stat()
                guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFDIR
                else { continue }
                let child = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 { walk(child, entry) }
            }
        }
        walk(top, start.relative)
        guard !matches.isEmpty else { return "No matches found" }
        var lines = matches.sorted()
        if truncated { lines.append("[search stopped after \(Self.maxSearchResults) matches; narrow the pattern or path]") }
        return lines.joined(separator: "\n")
    }

    /// Excludes are whole-name (or whole relative path) wildcards, so `test` skips a folder named test but not
    /// `latest.txt`.
    static func isExcluded(_ name: String, _ relative: String, by pattern: String) -> Bool {
        bayshlinux_fnmatch_casefold(pattern, name) == 0 || bayshlinux_fnmatch_casefold(pattern, relative) == 0
    }

    /// A wildcard match (`*`, `?`, `[...]`), case-insensitive; a pattern without wildcards matches names that
    /// contain it, as the cloud's search does for plain words.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        if pattern.contains(where: { "*?[".contains($0) }) {
            return bayshlinux_fnmatch_casefold(pattern, name) == 0
        }
        return name.range(of: pattern, options: .caseInsensitive) != nil
    }
}
