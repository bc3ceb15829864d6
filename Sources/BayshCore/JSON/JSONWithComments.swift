/// VS Code's `mcp.json` and other hosts' settings files are JSONC: JSON plus `//` and `/* */` comments and trailing
/// commas. Foundation's parser takes neither, so the file is blanked to plain JSON first.
///
/// Every removed byte becomes a space and newlines stay where they were, so the line and column of a syntax error
/// reported on the result are the line and column in the user's file.
enum JSONWithComments {
    /// A comment that never ends, found while blanking.
    struct UnterminatedComment: Error, Equatable {
        /// 1-based line and column of the `/*` that opens it.
        let line: Int
        let column: Int
    }

    /// `bytes` with comments and trailing commas (a `,` followed only by blanks and comments before `}` or `]`)
    /// replaced by spaces. Text inside strings is left alone, escapes included.
    static func blanked(_ bytes: [UInt8]) throws(UnterminatedComment) -> [UInt8] {
        var out = bytes
        var index = 0
        var pendingComma: Int?  // a comma that is trailing if the next significant byte closes a container
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                pendingComma = nil
                index += 1
                while index < count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                index += 1
            case UInt8(ascii: "/") where index + 1 < count && bytes[index + 1] == UInt8(ascii: "/"):
                while index < count, bytes[index] != UInt8(ascii: "\n") {
                    out[index] = UInt8(ascii: " ")
                    index += 1
                }
            case UInt8(ascii: "/") where index + 1 < count && bytes[index + 1] == UInt8(ascii: "*"):
                let opening = index
                out[index] = UInt8(ascii: " ")
                out[index + 1] = UInt8(ascii: " ")
                index += 2
                while index < count, !(bytes[index] == UInt8(ascii: "*") && index + 1 < count
                    && bytes[index + 1] == UInt8(ascii: "/"))
                {
                    if bytes[index] != UInt8(ascii: "\n") { out[index] = UInt8(ascii: " ") }
                    index += 1
                }
                guard index < count else { throw position(of: opening, in: bytes) }
                out[index] = UInt8(ascii: " ")
                out[index + 1] = UInt8(ascii: " ")
                index += 2
            case UInt8(ascii: ","):
                pendingComma = index
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let comma = pendingComma { out[comma] = UInt8(ascii: " ") }
                pendingComma = nil
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                index += 1
            default:
                pendingComma = nil
                index += 1
            }
        }
        return out
    }

    private static func position(of offset: Int, in bytes: [UInt8]) -> UnterminatedComment {
        let before = bytes[..<offset]
        let line = before.count { $0 == UInt8(ascii: "\n") } + 1
        let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        return UnterminatedComment(line: line, column: column)
    }
}
