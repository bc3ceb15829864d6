import Dispatch
import Synchronization

/// What a ``LineReader`` has read so far, for other threads: the bytes of a message it holds without its newline yet,
/// when bytes last arrived, and whether the input ended.
///
/// A call that times out while a message is stuck half-read means the stream is out of step: the next answer would
/// be glued to the fragment and lost, so ``MCPConnection`` ends the connection with a clear reason instead of letting
/// every later call time out too. And a message cut by end of file is the server exiting, not a garbled line.
public final class ReadProgress: Sendable {
    private let unfinished = Atomic<Int>(0)
    private let lastArrival = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)
    private let ended = Atomic<Bool>(false)

    public init() {}

    /// Bytes of a message received without its newline yet.
    public var unfinishedBytes: Int { unfinished.load(ordering: .relaxed) }

    /// How long ago the last bytes arrived.
    public var quietFor: Duration {
        let now = DispatchTime.now().uptimeNanoseconds
        let then = lastArrival.load(ordering: .relaxed)
        return .nanoseconds(Int64(now > then ? now - then : 0))
    }

    /// True once the reader met end of file (as opposed to garbage, an over-long line or a read error).
    public var reachedEndOfFile: Bool { ended.load(ordering: .relaxed) }

    /// Called by the reader after every read.
    func arrived(unfinishedBytes: Int) {
        unfinished.store(unfinishedBytes, ordering: .relaxed)
        lastArrival.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    func endOfFile() { ended.store(true, ordering: .relaxed) }

    /// A description of a message stuck half-read, if one is: it has waited at least `patience` for the rest.
    public func stalledMessage(patience: Duration) -> String? {
        let bytes = unfinishedBytes
        guard bytes > 0, quietFor >= patience else { return nil }
        return "sent \(bytes) bytes of a message and then nothing more for \(SessionError.format(quietFor))"
    }
}
