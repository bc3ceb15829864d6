import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why `key@=path` could not read its file, in words for the terminal.
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the file (`no such file`, `is a directory`, `is not UTF-8 text`).
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    /// The most `key@=path` sends: the text becomes one JSON string in one request, and a 2 GB file read whole
    /// took 4 GB of memory before anything could complain.
    public static let sendLimit = 16_000_000

    /// Reads a UTF-8 text file of at most ``sendLimit`` bytes; a relative path is relative to the current
    /// directory and `~/` is the home folder. A file holding a secret baysh knows (its AgentBay key, a bearer
    /// token: `content@=/proc/self/environ`) is refused rather than sent.
    @Sendable public static func readText(_ path: String) throws -> String {
        let data = try readBytes(path, limit: sendLimit, what: "@=")
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileReadError("is not UTF-8 text (only text files can be sent with @=)")
        }
        if let mask = Redactor.shared.secretMask(in: text) {
            throw FileReadError(
                "holds a secret baysh knows (\(mask), from its environment or flags); not sent. "
                    + "Send a copy without it, or paste what is needed")
        }
        return text
    }

    /// The bytes of the file at `path`, refused when there are more than `limit` (`what` names the limit in the
    /// message: `@=`, `transcripts`). The size is checked before reading and again while reading, since files in
    /// /proc or /dev say 0 and a pipe says nothing.
    public static func readBytes(_ path: String, limit: Int, what: String) throws(FileReadError) -> Data {
        let expanded = (path as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory) else {
            throw FileReadError("no such file")
        }
        guard !isDirectory.boolValue else { throw FileReadError("is a directory, not a file") }
        let descriptor = open(expanded, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileReadError("cannot be read (check its permissions)") }
        defer { close(descriptor) }
        let tooBig = { (size: Int?) in
            FileReadError(
                (size.map { "is \(ByteSize.text($0)), over" } ?? "is over")
                    + " the \(ByteSize.text(limit)) limit for \(what); use a smaller file")
        }
        var info = stat()
        if fstat(descriptor, &info) == 0, Int(info.st_size) > limit {
            throw tooBig(Int(info.st_size))
        }
        var data = Data(count: min(max(Int(info.st_size), 64 * 1024), limit) + 1)
        var count = 0
        while count <= limit {
            if count == data.count { data.count = min(data.count * 2, limit + 1) }
            let read = data.withUnsafeMutableBytes { bytes in
                Glibc.read(descriptor, bytes.baseAddress! + count, bytes.count - count)
            }
            if read < 0, errno == EINTR { continue }
            guard read >= 0 else { throw FileReadError("cannot be read: \(String(cString: strerror(errno)))") }
            if read == 0 { break }
            count += read
        }
        if count > limit { throw tooBig(nil) }
        data.count = count
        return data
    }
}
