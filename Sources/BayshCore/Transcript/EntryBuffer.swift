#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of one transcript entry on their way to the file.
///
/// They gather up to ``capacity``, so an entry smaller than that goes out in one `write(2)` (a crash never leaves
/// half of it), and a bigger one goes out in pieces of that size instead of being built whole in memory beside the
/// output it records. Every piece passes through ``Redactor/shared`` first; a piece ends after a line break, or
/// inside a huge line keeps back the bytes a secret could start in, so no secret is split between two pieces.
struct EntryBuffer {
    /// The most bytes held before a piece is written.
    static let capacity = 4 << 20

    private var bytes: [UInt8] = []
    private let descriptor: Int32
    /// False when no secret is registered, so there is nothing to mask.
    private let masking: Bool
    /// Why a write failed; nothing more is written after one.
    private(set) var failure: String?

    init(descriptor: Int32) {
        self.descriptor = descriptor
        self.masking = !Redactor.shared.isEmpty
        bytes.reserveCapacity(1 << 16)
    }

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        var rest = buffer[...]
        while !rest.isEmpty, failure == nil {
            let taken = rest.prefix(max(Self.capacity - bytes.count, 1))
            bytes.append(contentsOf: taken)
            rest = rest.dropFirst(taken.count)
            if bytes.count >= Self.capacity { flush(all: false) }
        }
    }

    mutating func append(_ text: String) {
        TerminalText.withUTF8(text) { append($0) }
    }

    /// Writes what is left; the reason a write failed, or nil.
    mutating func finish() -> String? {
        flush(all: true)
        return failure
    }

    private mutating func flush(all: Bool) {
        guard failure == nil, !bytes.isEmpty else { return }
        let cut = all || !masking ? bytes.count : safeCut()
        if !masking {
            failure = bytes.withUnsafeBufferPointer { Self.writeAll(UnsafeBufferPointer(rebasing: $0[..<cut]), to: descriptor) }
        } else {
            let text = Redactor.shared.redact(String(decoding: bytes[..<cut], as: UTF8.self))
            failure = TerminalText.withUTF8(text) { Self.writeAll($0, to: descriptor) }
        }
        bytes.removeSubrange(..<cut)
    }

    /// Where a piece may end without splitting a secret: after a line break in its second half, else where the
    /// redactor says; all of it when even that is not possible (a secret longer than the whole buffer).
    private func safeCut() -> Int {
        var end = bytes.count
        if let newline = bytes.lastIndex(of: 0x0A), newline >= bytes.count / 2 { end = newline + 1 }
        let cut = bytes.withUnsafeBufferPointer { Redactor.shared.pieceEnd(in: $0, atMost: end) }
        return cut > 0 ? cut : bytes.count
    }

    /// Writes all of `bytes`; the failure's reason, or nil.
    static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> String? {
        DescriptorWrite.all(UnsafeRawBufferPointer(bytes), to: descriptor).map { String(cString: strerror($0)) }
    }
}
