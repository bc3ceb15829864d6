import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The memory figures a benchmark child reports about itself: its peak resident set and what stays resident once
/// freed heap is handed back.
///
/// The peak is `VmHWM`, not `ru_maxrss`: a child started with `posix_spawn` shares the bench's memory until it
/// execs, and Linux carries that high-water mark into the child's `ru_maxrss`, so a child smaller than the bench
/// would report the bench's size.
struct MemoryProbe: CustomStringConvertible {
    /// `VmHWM`: the most the process ever held resident, in bytes.
    var peak: Int
    /// `VmRSS` after `malloc_trim(0)`: what the process holds now, without free heap glibc kept for reuse.
    var resident: Int

    /// glibc's `malloc_trim`, which Swift's Glibc module does not show (malloc.h is not part of it).
    private static let trim: (@convention(c) (Int) -> Int32)? = dlsym(nil, "malloc_trim").map {
        unsafeBitCast($0, to: (@convention(c) (Int) -> Int32).self)
    }

    /// The figures now. Trims the heap first, so ``resident`` counts only memory still in use.
    static func now() -> MemoryProbe {
        _ = trim?(0)
        let status = statusFields()
        return MemoryProbe(peak: status["VmHWM"] ?? 0, resident: status["VmRSS"] ?? 0)
    }

    /// The fields of `/proc/self/status` given in kB (`VmRSS:   33420 kB`), in bytes, read at one moment.
    private static func statusFields() -> [String: Int] {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return [:] }
        var fields: [String: Int] = [:]
        for line in status.split(separator: "\n") where line.hasSuffix(" kB") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0.isWhitespace })
            if parts.count == 3, let kilobytes = Int(parts[1]) { fields[String(parts[0])] = kilobytes * 1024 }
        }
        return fields
    }

    /// `peak resident`, in bytes: the line a child writes for its parent.
    var description: String { "\(peak) \(resident)" }

    /// Reads back ``description``.
    init?(_ text: String) {
        let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard numbers.count == 2 else { return nil }
        self.init(peak: numbers[0], resident: numbers[1])
    }

    init(peak: Int, resident: Int) {
        self.peak = peak
        self.resident = resident
    }
}
