/// Orders names the way people count: runs of digits compare by their value, so `p2` comes before `p10`
/// (plain text order puts `p10 … p19` before `p2`). Ties in value (`p01`, `p1`) fall back to text order.
public enum NaturalOrder {
    /// Whether `left` comes before `right`.
    public static func precedes(_ left: String, _ right: String) -> Bool {
        var a = left.unicodeScalars[...]
        var b = right.unicodeScalars[...]
        while let x = a.first, let y = b.first {
            if x.properties.numericType == .decimal, y.properties.numericType == .decimal,
                x.isASCII, y.isASCII
            {
                let runA = a.prefix { $0.isASCII && $0.properties.numericType == .decimal }
                let runB = b.prefix { $0.isASCII && $0.properties.numericType == .decimal }
                let digitsA = runA.drop { $0 == "0" }
                let digitsB = runB.drop { $0 == "0" }
                if digitsA.count != digitsB.count { return digitsA.count < digitsB.count }
                if let difference = zip(digitsA, digitsB).first(where: { $0 != $1 }) {
                    return difference.0.value < difference.1.value
                }
                a = a.dropFirst(runA.count)
                b = b.dropFirst(runB.count)
                continue
            }
            if x != y { return x.value < y.value }
            a = a.dropFirst()
            b = b.dropFirst()
        }
        if a.isEmpty != b.isEmpty { return a.isEmpty }
        return left < right
    }
}
