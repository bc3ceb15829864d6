import Foundation

/// One entry of a directory, for completing `key@=path`.
public struct PathEntry: Sendable, Equatable {
    public var name: String
    public var isDirectory: Bool

    public init(name: String, isDirectory: Bool) {
        self.name = name
        self.isDirectory = isDirectory
    }

    /// Lists a directory of this machine (`key@=` reads local files); `~/` is the home folder. An unreadable
    /// directory lists as empty: completion has nothing to offer there.
    @Sendable public static func listLocal(_ directory: String) -> [PathEntry] {
        let path = (directory as NSString).expandingTildeInPath
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.map { name in
            var isDirectory: ObjCBool = false
            let full = (path as NSString).appendingPathComponent(name)
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            return PathEntry(name: name, isDirectory: isDirectory.boolValue)
        }
    }
}

/// Lists a directory for path completion: `(directory) -> entries`. Tests hand in a fixed tree.
public typealias PathLister = @Sendable (_ directory: String) -> [PathEntry]
