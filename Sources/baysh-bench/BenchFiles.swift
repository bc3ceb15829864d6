import Foundation

/// Files the benchmarks read.
enum BenchFiles {
    /// A text file of `bytes` bytes in lines of 100, written in chunks.
    static func write(_ url: URL, bytes: Int) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let line = String(repeating: "x", count: 99) + "\n"
        let chunk = Data(String(repeating: line, count: 10_000).utf8)
        var left = bytes
        while left > 0 {
            let part = chunk.prefix(left)
            try handle.write(contentsOf: part)
            left -= part.count
        }
    }
}
