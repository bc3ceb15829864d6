import Foundation

/// Why `key@=path` could not read its file, in words for the terminal.
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the file (`no such file`, `is a directory`, `is not UTF-8 text`).
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    /// Reads a UTF-8 text file; a relative path is relative to the current directory and `~/` is the home folder.
    @Sendable public static func readText(_ path: String) throws -> String {
        let expanded = (path as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory) else {
            throw FileReadError("no such file")
        }
        guard !isDirectory.boolValue else { throw FileReadError("is a directory, not a file") }
        guard let data = FileManager.default.contents(atPath: expanded) else {
            throw FileReadError("cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileReadError("is not UTF-8 text (only text files can be sent with @=)")
        }
        return text
    }
}
