import Foundation
import Testing

@testable import BayshCore

/// The session record baysh writes by hand at start-up reads back through JSONDecoder, dates included.
@Suite struct LocalSessionRecordTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"),
        (951_782_400.0, "2000-02-29T00:00:00Z"),
        (1_795_561_730.9, "2026-11-24T23:08:50Z"),
        (4_102_444_799.0, "2099-12-31T23:59:59Z"),
    ])
    func datesAreWholeSecondsInUTC(seconds: Double, text: String) {
        #expect(LocalSessionStore.isoText(of: Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func aSavedRecordLoadsBackTheSame() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-record-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalSessionStore(dataHome: folder)
        try store.makeDirectory()
        let labels = ["quote": "say \"hi\"\\now", "line": "a\nb\ttab", "ünï": "cödé ✓", "empty": ""]
        let record = LocalSessionRecord(
            id: "local-0123456789ab", labels: labels, created: Date(timeIntervalSince1970: 1_795_561_730),
            workspace: folder.path + "/with \"quotes\" and spaces", ownsWorkspace: false)
        try store.save(record)
        #expect(try store.load(id: record.id) == record)
        var unlabelled = record
        unlabelled.labels = [:]
        unlabelled.ownsWorkspace = true
        try store.save(unlabelled)
        #expect(try store.load(id: record.id) == unlabelled)
        // Only the record itself is left: the temporary file was renamed over it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path) == [record.id + ".json"])
    }

    @Test func aFolderThatCannotBeWrittenGivesAClearError() throws {
        let store = try LocalSessionStore(dataHome: URL(fileURLWithPath: "/proc/baysh-no-such-folder"))
        let record = LocalSessionRecord(
            id: "local-0123456789ab", labels: [:], created: Date(), workspace: "/tmp", ownsWorkspace: false)
        #expect {
            try store.save(record)
        } throws: { error in
            "\(error)".contains("cannot write the session record /proc/baysh-no-such-folder/baysh/sessions/"
                + "local-0123456789ab.json: No such file or directory")
        }
    }
}
