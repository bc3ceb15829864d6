#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of a JSON string that arrives in pieces (it has escapes, or it is longer than one read of a pipe),
/// turned into a `String` with a single copy once its closing quote is read.
///
/// The length is unknown until then, so the bytes cannot go straight into the string's own storage. Up to
/// ``smallLimit`` they gather in one reusable array. Past it they go into anonymous memory mappings of
/// ``segmentBytes`` each, and each mapping is given back to the system as soon as the string has been filled from
/// it: a 100 MB string costs 100 MB and about two megabytes at its peak. (A growing array copies itself as it
/// grows, briefly holding twice its size, and large heap blocks freed by `malloc` are not always returned.)
final class JSONStringBytes {
    static let smallLimit = 1 << 20
    static let segmentBytes = 1 << 20

    private var small: [UInt8] = []
    /// Mappings (or, if the system refused one, heap blocks) after `small`; all full except the last.
    private var segments: [(bytes: UnsafeMutableRawBufferPointer, mapped: Bool)] = []
    /// Bytes used in the last segment.
    private var lastFill = 0

    init() {}

    deinit { releaseSegments() }

    /// Bytes gathered since the last ``take()``.
    var isEmpty: Bool { small.isEmpty && segments.isEmpty }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return }
        if segments.isEmpty && small.count + bytes.count <= Self.smallLimit {
            small.append(contentsOf: bytes)
            return
        }
        var rest = UnsafeRawBufferPointer(bytes)
        while !rest.isEmpty {
            if segments.isEmpty || lastFill == Self.segmentBytes { addSegment() }
            let target = segments[segments.count - 1].bytes
            let count = min(rest.count, target.count - lastFill)
            (target.baseAddress! + lastFill).copyMemory(from: rest.baseAddress!, byteCount: count)
            lastFill += count
            rest = UnsafeRawBufferPointer(rebasing: rest[count...])
        }
    }

    func append(_ scalar: Unicode.Scalar) {
        var encoded = (UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        var count = 0
        withUnsafeMutableBytes(of: &encoded) { buffer in
            UTF8.encode(scalar) { unit in
                buffer[count] = unit
                count += 1
            }
        }
        withUnsafeBytes(of: &encoded) { buffer in
            append(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[0..<count]))
        }
    }

    /// The string of every byte gathered (invalid UTF-8 repaired with U+FFFD, as `String(decoding:as:)` does), and
    /// a fresh start for the next one.
    func take() -> String {
        defer { discard() }
        guard !segments.isEmpty else { return String(decoding: small, as: UTF8.self) }
        let total = small.count + (segments.count - 1) * Self.segmentBytes + lastFill
        let text = String(unsafeUninitializedCapacity: total) { target in
            var at = small.withUnsafeBufferPointer { head in
                _ = UnsafeMutableBufferPointer(rebasing: target[0..<head.count]).initialize(from: head)
                return head.count
            }
            for index in segments.indices {
                let (bytes, mapped) = segments[index]
                let used = index == segments.count - 1 ? lastFill : bytes.count
                UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(target)[at..<(at + used)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<used]))
                at += used
                Self.release(bytes, mapped: mapped)
            }
            return total
        }
        segments.removeAll()
        return text
    }

    /// Drops what was gathered (a string cut short by a syntax error or the end of the input).
    func discard() {
        releaseSegments()
        lastFill = 0
        if small.capacity > 64 * 1024 { small = [] } else { small.removeAll(keepingCapacity: true) }
    }

    private func addSegment() {
        let mapping = mmap(nil, Self.segmentBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if let mapping, mapping != UnsafeMutableRawPointer(bitPattern: -1) {
            segments.append((UnsafeMutableRawBufferPointer(start: mapping, count: Self.segmentBytes), true))
        } else {
            segments.append((.allocate(byteCount: Self.segmentBytes, alignment: 16), false))
        }
        lastFill = 0
    }

    private func releaseSegments() {
        for (bytes, mapped) in segments { Self.release(bytes, mapped: mapped) }
        segments.removeAll()
    }

    private static func release(_ bytes: UnsafeMutableRawBufferPointer, mapped: Bool) {
        if mapped {
            munmap(bytes.baseAddress, bytes.count)
        } else {
            bytes.deallocate()
        }
    }
}
