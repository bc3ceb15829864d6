import BayshTestSupport
import Testing

@Suite struct SecretScanTests {
    @Test func piecesCoverEveryWindowOfTheRandomPart() {
        let pieces = SecretScan.pieces(of: "akm-0123456789")
        #expect(pieces == ["akm-0123456789", "01234567", "12345678", "23456789"])
        let scan = SecretScan(secrets: ["key": "akm-0123456789"])
        #expect(scan.leaks(in: "tail 3456789 only", place: "x").isEmpty)
        #expect(scan.leaks(in: "cut: 12345678…", place: "x") == ["x: key"])
    }
}
