/// The parts of baysh the fuzzer and the corpus test feed arbitrary bytes to.
public enum FuzzTarget: String, Sendable, CaseIterable {
    /// The call-line tokenizer, parser, resolver (no schema and a nested one) and renderer.
    case callline
    /// The transcript reader, writer, output matcher and diff.
    case transcript

    /// Runs one input through the target's invariant checks.
    public func check(_ bytes: [UInt8]) throws(InvariantViolation) {
        switch self {
        case .callline: try CallLineInvariants.check(bytes)
        case .transcript: try TranscriptInvariants.shared.check(bytes)
        }
    }
}
