extension Duration {
    /// The duration in seconds as a Double.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// `842 ms`, `2.31 s`: how `:timing` and the spinner show elapsed time.
    var shortText: String {
        let seconds = inSeconds
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        return "\((seconds * 100).rounded() / 100) s"
    }
}
