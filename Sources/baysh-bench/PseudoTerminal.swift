import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair, so a benchmark child sees a terminal on its standard descriptors.
final class PseudoTerminal {
    let leader: Int32
    private(set) var follower: Int32

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
        var seen: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            guard wait(readableWithin: deadline) else { return false }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(leader, $0.baseAddress, $0.count) }
            guard count > 0 else { return false }
            seen.append(contentsOf: buffer[..<count])
            if seen.count >= marker.count,
                seen.indices.dropLast(marker.count - 1).contains(where: { seen[$0..<$0 + marker.count].elementsEqual(marker) })
            {
                return true
            }
        }
        return false
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
