import Foundation

/// Checks on processes a test started or expects to be gone.
public enum ProcessChecks {
    /// True once `pid` no longer exists (or is only a zombie waiting for init), within two seconds.
    public static func isGone(_ pid: Int32) async -> Bool {
        for _ in 0..<100 {
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))
                .flatMap { $0.split(separator: ")").last?.split(separator: " ").first }
            if state == nil || state == "Z" { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
