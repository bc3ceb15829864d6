extension Unicode.Scalar {
    var isDecimalDigit: Bool { ("0"..."9").contains(self) }

    var hexDigitValue: Int? {
        switch self {
        case "0"..."9": Int(value - 0x30)
        case "a"..."f": Int(value - 0x61 + 10)
        case "A"..."F": Int(value - 0x41 + 10)
        default: nil
        }
    }
}
