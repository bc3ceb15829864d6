/// Repeats work until enough time has passed for a stable figure.
enum Measure {
    /// The result of a timed run.
    struct Rate {
        var operations: Int
        var seconds: Double
        var perSecond: Double { Double(operations) / seconds }
    }

    /// Runs `body` in batches, after a warm-up, until at least `minimumSeconds` have passed.
    static func rate(minimumSeconds: Double = 2, batch: Int = 200, _ body: () throws -> Void) rethrows -> Rate {
        for _ in 0..<batch { try body() }
        let clock = ContinuousClock()
        let start = clock.now
        var operations = 0
        var elapsed = Duration.zero
        while elapsed < .seconds(minimumSeconds) {
            for _ in 0..<batch { try body() }
            operations += batch
            elapsed = clock.now - start
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Rate(operations: operations, seconds: seconds)
    }

    /// `123,456` for the report.
    static func grouped(_ number: Double) -> String {
        let digits = String(Int(number.rounded()))
        var out = ""
        for (index, digit) in digits.reversed().enumerated() {
            if index > 0, index.isMultiple(of: 3) { out.append(",") }
            out.append(digit)
        }
        return String(out.reversed())
    }
}
