import Foundation
import MCP
import Testing

@testable import BayshCore

/// A local session in its own temporary data folder, with an `outside` folder next to the workspace for escape
/// attempts to aim at. Everything is removed when the fixture goes away.
final class LocalFixture {
    /// The temporary folder holding the data folder and `outside`.
    let root: URL
    let dataHome: URL
    let session: LocalSession
    /// `root/outside`, holding `secret.txt`.
    let outside: URL

    init(labels: [String: String] = [:], sandbox: SandboxSettings = SandboxSettings()) throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath()
        root = base.appendingPathComponent("baysh-local-\(UUID().uuidString)", isDirectory: true)
        dataHome = root.appendingPathComponent("data", isDirectory: true)
        outside = root.appendingPathComponent("outside", isDirectory: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "top secret\n".write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        session = try LocalSession.create(labels: labels, dataHome: dataHome, sandbox: sandbox)
    }

    deinit {
        session.sandbox?.close()
        try? FileManager.default.removeItem(at: root)
    }

    var workspace: String { session.workspaceURL.path }

    func call(_ tool: String, _ arguments: [String: Value] = [:]) async throws -> ToolResult {
        try await session.callTool(name: tool, arguments: arguments)
    }

    /// Writes a file inside the workspace directly, making its folders.
    func put(_ relative: String, _ text: String) throws {
        let url = session.workspaceURL.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    func contents(_ relative: String) -> String? {
        FileManager.default.contents(atPath: workspace + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ absolutePath: String) -> Bool {
        var info = stat()
        return lstat(absolutePath, &info) == 0
    }

    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: workspace + "/" + relative, withDestinationPath: target)
    }

    /// Command lines of the processes running in the session's sandbox, seen from outside: every descendant of its
    /// bubblewrap but bubblewrap itself and the agent (zombies have no command line and are left out).
    func sandboxCommands() -> [String] {
        guard let root = session.sandbox?.bubblewrapPid else { return [] }
        let parents = SandboxAgent.processParents()
        var commands: [Int32: String] = [:]
        for pid in parents.keys {
            let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            commands[pid] = String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
        }
        func descends(_ pid: Int32) -> Bool {
            var current = pid
            for _ in 0..<64 {
                guard let parent = parents[current] else { return false }
                if parent == root { return true }
                current = parent
            }
            return false
        }
        return commands.filter { pid, command in
            descends(pid) && !command.isEmpty && !command.contains("bwrap") && !command.contains("echo ready")
        }.map(\.value)
    }

    /// True once nothing in the sandbox runs a command line containing `text`, within two seconds.
    func sandboxRunsNothing(like text: String) async -> Bool {
        for _ in 0..<100 {
            if !sandboxCommands().contains(where: { $0.contains(text) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The shell result's JSON as an object.
    static func shellFields(_ result: ToolResult) throws -> [String: Value] {
        try JSONDecoder().decode([String: Value].self, from: Data(result.text.utf8))
    }
}
