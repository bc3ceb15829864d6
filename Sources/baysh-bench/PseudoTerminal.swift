import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair, so a benchmark child sees a terminal on its standard descriptors.
final class PseudoTerminal {
    let leader: Int32
    private(set) var follower: Int32
    /// Bytes read past the marker of the last ``readBytes(until:timeout:)``, where the next one starts.
    private var pending: [UInt8] = []

    init() throws {
        var leader: Int32 = -1
        var follower: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&leader, &follower, nil, nil, &size) == 0 else {
            throw BenchFailure("openpty failed: \(String(cString: strerror(errno)))")
        }
        self.leader = leader
        self.follower = follower
    }

    /// Lets go of the child's end once the child has it, so reading the leader ends when the child exits.
    func closeFollower() {
        if follower >= 0 { Glibc.close(follower) }
        follower = -1
    }

    func close() {
        closeFollower()
        Glibc.close(leader)
    }

    func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.write(leader, $0.baseAddress, $0.count) }
    }

    /// Reads until `marker` has been seen or `timeout` passes; true when seen.
    func read(until marker: [UInt8], timeout: Duration) -> Bool {
        readBytes(until: marker, timeout: timeout) != nil
    }

    /// Reads until `marker` has been seen and gives everything up to and including it, or nil when `timeout`
    /// passes first. What was read after the marker is kept for the next call.
    func readBytes(until marker: [UInt8], timeout: Duration) -> [UInt8]? {
        var seen = pending
        pending = []
        var searched = 0
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            // Only the new bytes (and a marker's length before them) are searched, so a long answer stays linear.
            let from = max(0, searched - marker.count)
            if seen.count >= marker.count, from <= seen.count - marker.count,
                let start = (from...(seen.count - marker.count)).first(where: {
                    seen[$0..<$0 + marker.count].elementsEqual(marker)
                })
            {
                pending = Array(seen[(start + marker.count)...])
                return Array(seen[..<(start + marker.count)])
            }
            searched = seen.count
            guard ContinuousClock.now < deadline, wait(readableWithin: deadline) else { return nil }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(leader, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            seen.append(contentsOf: buffer[..<count])
        }
    }

    /// Reads and drops everything until the child closes its end or `timeout` passes; gives the bytes read.
    @discardableResult
    func drain(timeout: Duration) -> Int {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        var total = 0
        while ContinuousClock.now < deadline, wait(readableWithin: deadline) {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(leader, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            total += count
        }
        return total
    }

    private func wait(readableWithin deadline: ContinuousClock.Instant) -> Bool {
        let left = max(0, Int32((deadline - ContinuousClock.now).milliseconds))
        var descriptor = pollfd(fd: leader, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, left) > 0
    }
}
