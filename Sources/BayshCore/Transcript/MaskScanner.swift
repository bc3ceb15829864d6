/// One pass over a line's UTF-8 bytes that finds the values ``OutputMasks`` replaces by their shape or their place
/// rather than by knowing them exactly:
///
/// - ids named by what comes before them: `trace id X`, `request id: X`, `session_id: X`, `"traceId": "X"`,
///   `\"RequestId\":\"X\"` (a JSON text inside JSON), where X is a run of letters, digits, `_ . : -` with a digit
///   in it and 6 or more long, so `session id is wrong` keeps its words;
/// - timestamps: `2026-12-02T06:10:00Z`, `2026-12-02 06:10:00.123+01:00` (RFC 3339 / ISO 8601, date and time
///   with at least hours and minutes, `T` or a space between, fraction and zone optional);
/// - on stderr lines, the `took 3 ms` / `took 2.31 s` note's figure.
///
/// Every value starts at the beginning of a word, and a timestamp or duration must end where a word ends, so
/// `x2026-12-02T06:10:00` or `took 3 msec` stay as they are.
struct MaskScanner {
    let input: UnsafeBufferPointer<UInt8>

    init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    /// The values to mask, in order, without overlaps.
    func values(durations: Bool) -> [(range: Range<Int>, kind: OutputMasks.Kind)] {
        var found: [(range: Range<Int>, kind: OutputMasks.Kind)] = []
        var position = 0
        while position < input.count {
            let first = input[position]
            // Only a word start can begin a value, and only with a digit or the first letter of a name.
            guard Self.startsWord(input, at: position), Self.isDigit(first) || Self.startsName[Int(first)]
            else {
                position += 1
                continue
            }
            if Self.isDigit(first) {
                if let end = timestampEnd(at: position) {
                    found.append((position..<end, .time))
                    position = end
                } else {
                    position += 1
                }
            } else if let (kind, value) = namedId(at: position) {
                found.append((value, kind))
                position = value.upperBound
            } else if durations, first | 0x20 == UInt8(ascii: "t"), let value = duration(at: position) {
                found.append((value, .duration))
                position = value.upperBound
            } else {
                position += 1
            }
        }
        return found
    }

    /// The first letters of `trace`, `request`, `session` and `took`, in both cases.
    private static let startsName: [Bool] = (0..<256).map { byte in
        "tTrRsS".utf8.contains(UInt8(byte))
    }

    // MARK: - Timestamps

    /// The end of an RFC 3339 / ISO 8601 date and time starting at `start`, or nil.
    private func timestampEnd(at start: Int) -> Int? {
        var at = start
        guard digits(4, &at), byte(at) == UInt8(ascii: "-"), skip(1, &at), digits(2, &at),
            byte(at) == UInt8(ascii: "-"), skip(1, &at), digits(2, &at)
        else { return nil }
        guard let separator = byte(at),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ")
        else { return nil }
        at += 1
        guard digits(2, &at), byte(at) == UInt8(ascii: ":"), skip(1, &at), digits(2, &at) else { return nil }
        var end = at
        if byte(at) == UInt8(ascii: ":"), skip(1, &at), digits(2, &at) {
            end = at
            if let mark = byte(at), mark == UInt8(ascii: ".") || mark == UInt8(ascii: ",") {
                at += 1
                let fraction = at
                while let next = byte(at), Self.isDigit(next) { at += 1 }
                if at > fraction { end = at }
            }
        }
        at = end
        if let zone = byte(at) {
            if zone == UInt8(ascii: "Z") || zone == UInt8(ascii: "z") {
                end = at + 1
            } else if zone == UInt8(ascii: "+") || zone == UInt8(ascii: "-") {
                at += 1
                if digits(2, &at) {
                    end = at
                    if byte(at) == UInt8(ascii: ":") { at += 1 }
                    if digits(2, &at) { end = at }
                }
            }
        }
        if let next = byte(end), Self.isAlphanumeric(next) { return nil }
        return end
    }

    // MARK: - Ids

    private static let id = Array("id".utf8)
    private static let took = Array("took ".utf8)

    private static let trace = Array("trace".utf8)
    private static let request = Array("request".utf8)
    private static let session = Array("session".utf8)

    /// An id after its name (`trace id`, `traceId`, `"request_id": "`...): the kind and the id's byte range.
    private func namedId(at start: Int) -> (OutputMasks.Kind, Range<Int>)? {
        let (name, kind): ([UInt8], OutputMasks.Kind)
        switch input[start] | 0x20 {
        case UInt8(ascii: "t"): (name, kind) = (Self.trace, .traceId)
        case UInt8(ascii: "r"): (name, kind) = (Self.request, .requestId)
        case UInt8(ascii: "s"): (name, kind) = (Self.session, .sessionId)
        default: return nil
        }
        guard matches(name, at: start) else { return nil }
        var at = start + name.count
        // `id` straight after (`traceId`), or after one of `_`, `-`, a space.
        if let joiner = byte(at), joiner == UInt8(ascii: "_") || joiner == UInt8(ascii: "-") || joiner == 0x20 {
            at += 1
        }
        guard matches(Self.id, at: at) else { return nil }
        at += 2
        if let next = byte(at), Self.isAlphanumeric(next) { return nil }
        skipQuote(&at)
        skipSpaces(&at)
        if let mark = byte(at), mark == UInt8(ascii: ":") || mark == UInt8(ascii: "=") { at += 1 }
        skipSpaces(&at)
        skipQuote(&at)
        let valueStart = at
        while let next = byte(at), Self.isIdByte(next) { at += 1 }
        while at > valueStart, let last = byte(at - 1),
            last == UInt8(ascii: ".") || last == UInt8(ascii: ":") || last == UInt8(ascii: "-")
        {
            at -= 1
        }
        guard at - valueStart >= 6, input[valueStart..<at].contains(where: Self.isDigit) else { return nil }
        return (kind, valueStart..<at)
    }

    /// Steps over `"` or `\"`.
    private func skipQuote(_ at: inout Int) {
        if byte(at) == UInt8(ascii: "\\"), byte(at + 1) == UInt8(ascii: "\"") {
            at += 2
        } else if byte(at) == UInt8(ascii: "\"") {
            at += 1
        }
    }

    private func skipSpaces(_ at: inout Int) {
        while byte(at) == UInt8(ascii: " ") || byte(at) == UInt8(ascii: "\t") { at += 1 }
    }

    // MARK: - Durations

    /// The figure and unit of `took 3 ms` / `took 2.31 s` starting at `start`.
    private func duration(at start: Int) -> Range<Int>? {
        guard matches(Self.took, at: start) else { return nil }
        var at = start + 5
        let valueStart = at
        while let next = byte(at), Self.isDigit(next) { at += 1 }
        guard at > valueStart else { return nil }
        if byte(at) == UInt8(ascii: "."), let next = byte(at + 1), Self.isDigit(next) {
            at += 1
            while let next = byte(at), Self.isDigit(next) { at += 1 }
        }
        guard byte(at) == UInt8(ascii: " ") else { return nil }
        at += 1
        if byte(at) == UInt8(ascii: "m"), byte(at + 1) == UInt8(ascii: "s") {
            at += 2
        } else if byte(at) == UInt8(ascii: "s") {
            at += 1
        } else {
            return nil
        }
        if let next = byte(at), Self.isAlphanumeric(next) { return nil }
        return valueStart..<at
    }

    // MARK: - Bytes

    private func byte(_ index: Int) -> UInt8? { index < input.count ? input[index] : nil }

    private func skip(_ count: Int, _ at: inout Int) -> Bool {
        at += count
        return true
    }

    private func digits(_ count: Int, _ at: inout Int) -> Bool {
        guard at + count <= input.count, input[at..<(at + count)].allSatisfy(Self.isDigit) else { return false }
        at += count
        return true
    }

    /// `word` at `start`, ASCII letters in any case.
    private func matches(_ word: [UInt8], at start: Int) -> Bool {
        guard start + word.count <= input.count else { return false }
        for (offset, expected) in word.enumerated() {
            let actual = input[start + offset]
            let isLetter = expected | 0x20 >= UInt8(ascii: "a") && expected | 0x20 <= UInt8(ascii: "z")
            guard isLetter ? actual | 0x20 == expected | 0x20 : actual == expected else { return false }
        }
        return true
    }

    /// Whether a word may start at `index`: at the start, after a byte that is not a letter, digit or `_`, or
    /// after a JSON escape that ends a line or a cell (`\n`, `\r`, `\t` inside a JSON text).
    static func startsWord(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index > 0, isAlphanumeric(bytes[index - 1]) else { return true }
        guard index > 1, bytes[index - 2] == UInt8(ascii: "\\") else { return false }
        let letter = bytes[index - 1]
        return letter == UInt8(ascii: "n") || letter == UInt8(ascii: "r") || letter == UInt8(ascii: "t")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == 0x5F
    }

    private static func isIdByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
}
