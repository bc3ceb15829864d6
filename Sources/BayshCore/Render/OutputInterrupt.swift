import Synchronization

/// Raised by Ctrl-C while a command's output is printed: the writer checks it between pieces and while it waits
/// for a slow terminal or a pipe nobody reads, and stops printing once it is raised. `:bench` stops its calls on it
/// too.
public final class OutputInterrupt: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// Stops the printing that watches this flag (from any thread; the signal dispatcher calls it).
    public func raise() {
        raised.store(true, ordering: .releasing)
    }

    /// Whether printing should stop.
    public var isRaised: Bool { raised.load(ordering: .acquiring) }
}
