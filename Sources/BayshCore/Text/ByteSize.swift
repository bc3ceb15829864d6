/// Sizes as people read them in notes and errors.
enum ByteSize {
    /// `1.2 MB`, `830 KB`, `12 bytes`.
    static func text(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) bytes" }
        if bytes < 1_000_000 { return "\(bytes / 1000) KB" }
        let tenths = bytes / 100_000
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
