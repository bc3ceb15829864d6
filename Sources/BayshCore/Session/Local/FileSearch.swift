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
        guard isFolder(start.path) else { throw ToolFailure("'\(path)' is a file, not a folder to search in") }

        var matches: [String] = []
        var folders = [start.path]
        var truncated = false
        walk: while let folder = folders.popLast() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in names.sorted() {
                let full = folder + "/" + name
                let relative = workspace.relativeName(of: full)
                if excludes.contains(where: { Self.isExcluded(name, relative, by: $0) }) { continue }
                if Self.matches(pattern, name) {
                    if matches.count == Self.maxSearchResults {
                        truncated = true
                        break walk
                    }
                    matches.append(relative)
                }
                var info = stat()
                if lstat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { folders.append(full) }
            }
        }
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
