import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The memory figures a benchmark child reports about itself: its peak resident set and what stays resident once
/// freed heap is handed back.
struct MemoryProbe: CustomStringConvertible {
    /// `ru_maxrss`: the most the process ever held resident, in bytes.
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
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return MemoryProbe(peak: usage.ru_maxrss * 1024, resident: statusField("VmRSS") ?? 0)
    }

    /// A field of `/proc/self/status` given in kB (`VmRSS:   33420 kB`), in bytes.
    private static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first
            return number.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
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
