import Foundation

/// What baysh remembers about a local session between runs, stored as `<data>/baysh/sessions/<id>.json` beside
/// (never inside) the workspace, so the file tools cannot see or edit it.
public struct LocalSessionRecord: Codable, Sendable, Equatable {
    /// `local-3f2a9c0b7d1e`.
    public var id: String
    public var labels: [String: String]
    public var created: Date
    /// Absolute path of the workspace folder.
    public var workspace: String
    /// True when baysh made the workspace under its data folder, so `delete` may remove it; false for a folder the
    /// user gave, which baysh never removes.
    public var ownsWorkspace: Bool

    public init(id: String, labels: [String: String], created: Date, workspace: String, ownsWorkspace: Bool) {
        self.id = id
        self.labels = labels
        self.created = created
        self.workspace = workspace
        self.ownsWorkspace = ownsWorkspace
    }
}

/// The folder of local session records and owned workspaces: `$XDG_DATA_HOME/baysh/sessions`, with the XDG default
/// `~/.local/share` when the variable is unset, empty or relative (as the XDG spec says).
struct LocalSessionStore: Sendable {
    let directory: URL

    init(dataHome: URL?) throws {
        let base: URL
        if let dataHome {
            base = dataHome
        } else if let xdg = ProcessInfo.processInfo.environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty {
            base = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".local/share")
        } else {
            throw SessionError.configuration(
                "cannot find a data folder for local sessions: neither XDG_DATA_HOME nor HOME is set; set one of them")
        }
        directory = base.appendingPathComponent("baysh/sessions", isDirectory: true)
    }

    /// The workspace folder baysh makes for a session it owns.
    func ownedWorkspace(for id: String) -> URL {
        directory.appendingPathComponent(id, isDirectory: true)
    }

    func recordFile(for id: String) -> URL {
        directory.appendingPathComponent(id + ".json")
    }

    /// `local-` followed by 12 characters of `[0-9a-z]`; anything else could name a path outside the store.
    static func isValidId(_ id: String) -> Bool {
        guard id.hasPrefix("local-") else { return false }
        let rest = id.dropFirst("local-".count)
        return rest.count == 12 && rest.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    static func newId() -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return "local-" + String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    func makeDirectory() throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SessionError.configuration(
                "cannot create the local sessions folder \(directory.path): \(error.localizedDescription)")
        }
    }

    /// Writes through a temporary file and a rename, so a crash never leaves half a record. The text is built by
    /// hand and written with plain syscalls, without an fsync: this runs on every start-up, where JSONEncoder, its
    /// ICU-backed date formatting and a flush to disk cost more than the rest of opening a local session, and a
    /// record lost to a power cut only hides a session that is then found again by its folder.
    func save(_ record: LocalSessionRecord) throws {
        let file = recordFile(for: record.id)
        let temporary = directory.appendingPathComponent(".\(record.id).json.\(getpid()).tmp").path
        var failure: Int32 = 0
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            failure = errno
        } else {
            var text = Self.text(of: record)
            failure = text.withUTF8 { DescriptorWrite.all(UnsafeRawBufferPointer($0), to: descriptor) } ?? 0
            close(descriptor)
            if failure == 0, rename(temporary, file.path) != 0 { failure = errno }
            if failure != 0 { unlink(temporary) }
        }
        guard failure == 0 else {
            throw SessionError.configuration(
                "cannot write the session record \(file.path): \(String(cString: strerror(failure)))")
        }
    }

    /// The record as JSON with sorted keys, the shape JSONDecoder reads back (dates as ISO 8601 in UTC).
    static func text(of record: LocalSessionRecord) -> String {
        let labels = record.labels.sorted { $0.key < $1.key }
            .map { "    \(JSONText.quoted($0.key)) : \(JSONText.quoted($0.value))" }
        return """
            {
              "created" : \(JSONText.quoted(isoText(of: record.created))),
              "id" : \(JSONText.quoted(record.id)),
              "labels" : \(labels.isEmpty ? "{}" : "{\n" + labels.joined(separator: ",\n") + "\n  }"),
              "ownsWorkspace" : \(record.ownsWorkspace),
              "workspace" : \(JSONText.quoted(record.workspace))
            }
            """
    }

    /// `2026-11-24T23:04:27Z`: whole seconds in UTC, as JSONEncoder's `.iso8601` writes them.
    static func isoText(of date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(digits(parts.tm_year + 1900, 4))-\(digits(parts.tm_mon + 1, 2))-\(digits(parts.tm_mday, 2))T"
            + "\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2))Z"
    }

    func load(id: String) throws -> LocalSessionRecord {
        guard Self.isValidId(id) else {
            throw SessionError.notFound(
                "'\(id)' is not a local session id (they look like local-3f2a9c0b7d1e); \(howToFindIds)")
        }
        let file = recordFile(for: id)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw SessionError.notFound("no local session '\(id)' in \(directory.path); \(howToFindIds)")
        }
        do {
            return try Self.decoder.decode(LocalSessionRecord.self, from: data)
        } catch {
            throw SessionError.configuration(
                "the session record \(file.path) is damaged (\(error.localizedDescription)); delete the file to forget the session")
        }
    }

    /// Every readable record, oldest first. Damaged or foreign files are skipped: listing must not fail because of one.
    func list() -> [LocalSessionRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let records = names.compactMap { name -> LocalSessionRecord? in
            guard name.hasSuffix(".json"), Self.isValidId(String(name.dropLast(5))),
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { return nil }
            return try? Self.decoder.decode(LocalSessionRecord.self, from: data)
        }
        return records.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
    }

    func removeRecord(id: String) throws {
        let file = recordFile(for: id)
        do {
            try FileManager.default.removeItem(at: file)
        } catch let error as CocoaError where error.code == .fileNoSuchFile {
            return
        }
    }

    private var howToFindIds: String {
        "list local sessions with `baysh sessions` (records are the <id>.json files in \(directory.path))"
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
