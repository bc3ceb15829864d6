#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGPIPE, process-wide. By default writing to a pipe whose reader has gone kills the whole process; baysh talks
/// to child servers and to its own MCP client over pipes, so a dead peer must be an `EPIPE` error instead.
enum BrokenPipeSignal {
    private static let ignored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    /// Ignores SIGPIPE once for the whole process. Children started with ``ServerProcess`` get the default back.
    static func ignore() {
        _ = ignored
    }
}
