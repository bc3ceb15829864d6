import Foundation
import MCP
import Synchronization

/// The default session of baysh: the AgentBay `linux_latest` tool set (plus `run_code`) run on this machine,
/// confined to a workspace folder: the file tools by path checks, `shell` and `run_code` by a bubblewrap
/// ``Sandbox`` started with the session (unless `--no-sandbox`).
///
/// Its workspace is `$XDG_DATA_HOME/baysh/sessions/<id>/` (default `~/.local/share/...`) or a folder the user gives;
/// a small record beside it (`<id>.json`, out of the file tools' reach) keeps the id, labels and creation time, so
/// ``attach(id:dataHome:)`` works from a later baysh process. Creating one makes a folder and writes the record,
/// nothing more.
public final class LocalSession: Session {
    public let descriptor: SessionDescriptor
    public let sessionId: String
    public let ownership: SessionOwnership
    /// The workspace folder.
    public let workspaceURL: URL
    /// When the session was first created (kept across attaches).
    public let created: Date

    public var maskedAPIKey: String? { nil }
    public var vpc: VPCInfo? { nil }
    /// The tool list needs no I/O, so it is always there.
    public var cachedTools: [ToolInfo]? { LocalToolCatalog.tools }
    /// The workspace with symlinks resolved: the form the tools print (`get_file_info`'s `path`, `pwd`).
    public var workspacePath: String? { workspace.root }

    /// What ``delete(syncContext:)`` leaves behind, to tell the user; nil when it removes everything. A folder the
    /// user gave with `--workspace` is never removed.
    public var deletionNote: String? {
        let record = state.withLock { $0.record }
        guard !record.ownsWorkspace else { return nil }
        return "the workspace \(record.workspace) was given to baysh, so delete keeps it and removes only the session record"
    }

    private struct State {
        var record: LocalSessionRecord
        var deleted = false
        /// The last tool call, for `:status`'s idle time.
        var lastCall: Date?
    }

    /// How `shell` and `run_code` are confined, the labels' `network=on` applied.
    public let sandboxSettings: SandboxSettings
    /// How this session's commands are confined, for `:session`.
    public var confinement: String? { sandboxSettings.summary }

    private let state: Mutex<State>
    /// When this baysh opened the session (idle time counts from here before the first call).
    private let openedAt = Date()
    private let store: LocalSessionStore
    private let workspace: Workspace
    /// nil under `--no-sandbox`.
    let sandbox: Sandbox?
    private let codeRuns = RunCodeTool.Counter()

    private init(
        record: LocalSessionRecord, store: LocalSessionStore, ownership: SessionOwnership, sandbox: SandboxSettings
    ) throws {
        self.workspace = try Workspace(folder: record.workspace)
        let settings = sandbox.applying(labels: record.labels)
        self.sandboxSettings = settings
        self.sandbox = settings.enabled ? try Self.startSandbox(workspace: workspace.root, settings: settings) : nil
        self.state = Mutex(State(record: record))
        self.store = store
        self.ownership = ownership
        self.sessionId = record.id
        self.created = record.created
        self.workspaceURL = URL(fileURLWithPath: record.workspace, isDirectory: true)
        let short = String(record.id.dropFirst("local-".count).prefix(4))
        self.descriptor = SessionDescriptor(backend: .local, label: short, target: "local", imageId: "linux_latest")
    }

    /// Starts a new local session: in a fresh folder under the data folder, or in `workspace` (which must exist and
    /// which baysh will never delete). `dataHome` replaces `$XDG_DATA_HOME` (tests, `--data-dir`). When the sandbox
    /// cannot start, nothing is left behind and the error says why and what to do.
    public static func create(
        workspace: URL? = nil, labels: [String: String] = [:], dataHome: URL? = nil,
        sandbox: SandboxSettings = SandboxSettings()
    ) throws -> LocalSession {
        if !labels.isEmpty { try validateLabels(labels) }
        let store = try LocalSessionStore(dataHome: dataHome)
        try store.makeDirectory()
        var id = LocalSessionStore.newId()
        while FileManager.default.fileExists(atPath: store.recordFile(for: id).path) { id = LocalSessionStore.newId() }

        let folder: String
        if let workspace {
            folder = workspace.standardizedFileURL.path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw SessionError.notFound(
                    "workspace folder \(folder) does not exist or is not a folder; create it, or leave out --workspace")
            }
        } else {
            folder = store.ownedWorkspace(for: id).path
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            } catch {
                throw SessionError.configuration("cannot create the workspace \(folder): \(error.localizedDescription)")
            }
        }
        let record = LocalSessionRecord(
            id: id, labels: labels, created: Date(), workspace: folder, ownsWorkspace: workspace == nil)
        try store.save(record)
        do {
            return try LocalSession(record: record, store: store, ownership: .created, sandbox: sandbox)
        } catch {
            try? store.removeRecord(id: id)
            if record.ownsWorkspace { try? FileManager.default.removeItem(atPath: folder) }
            throw error
        }
    }

    /// Re-opens a local session created by an earlier baysh run, with its labels and workspace.
    public static func attach(
        id: String, dataHome: URL? = nil, sandbox: SandboxSettings = SandboxSettings()
    ) throws -> LocalSession {
        let store = try LocalSessionStore(dataHome: dataHome)
        let record = try store.load(id: id)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: record.workspace, isDirectory: &isFolder), isFolder.boolValue
        else {
            throw SessionError.notFound(
                "the workspace \(record.workspace) of local session \(id) is gone; remove the record \(store.recordFile(for: id).path) to forget the session")
        }
        return try LocalSession(record: record, store: store, ownership: .attached, sandbox: sandbox)
    }

    /// The local sessions on this machine, oldest first (for `baysh sessions`).
    public static func list(dataHome: URL? = nil) throws -> [LocalSessionRecord] {
        try LocalSessionStore(dataHome: dataHome).list()
    }

    public func listTools(imageId: String?, refresh: Bool) async throws -> [ToolInfo] {
        if let imageId, imageId != "linux_latest" {
            throw SessionError.unsupported(
                operation: "list_mcp_tools", backend: .local,
                reason: "a local session offers only the linux_latest tool set, not '\(imageId)'")
        }
        return LocalToolCatalog.tools
    }

    public func callTool(name: String, arguments: [String: Value], options: CallOptions) async throws -> ToolResult {
        let clock = ContinuousClock()
        let started = clock.now
        try checkNotDeleted()
        state.withLock { $0.lastCall = Date() }
        guard let tool = LocalToolCatalog.tool(named: name) else {
            throw SessionError.notFound(
                "the local session has no tool '\(name)'; its tools are "
                    + LocalToolCatalog.tools.map(\.name).joined(separator: ", "))
        }
        let requestId = "local-" + ToolAnswer.newId()
        func result(_ text: String, isError: Bool) -> ToolResult {
            ToolResult(
                content: [.text(text)], isError: isError, requestId: requestId, elapsed: started.duration(to: clock.now))
        }
        do {
            let answer = try await run(tool, ToolArguments(tool: tool, values: arguments), options: options)
            return result(answer.text, isError: answer.isError)
        } catch let error as SessionError {
            if case .cancelled = error { throw error }
            return result(error.description, isError: true)
        } catch is CancellationError {
            throw SessionError.cancelled(operation: name)
        } catch {
            return result(String(describing: error), isError: true)
        }
    }

    private func run(_ tool: ToolInfo, _ arguments: ToolArguments, options: CallOptions) async throws
        -> ToolAnswer
    {
        let files = FileTools(workspace: workspace)
        let text: String
        switch tool.name {
        case "shell":
            return try await ShellTool(workspace: workspace, sandbox: sandbox)
                .call(arguments, readTimeout: options.readTimeout)
        case "run_code":
            return try await RunCodeTool(workspace: workspace, sandbox: sandbox, runs: codeRuns)
                .call(arguments, readTimeout: options.readTimeout)
        case "get_metrics": text = try await SystemMetrics.measure(workspace: workspace.root).json()
        case "read_file": text = try files.readFile(arguments)
        case "write_file": text = try files.writeFile(arguments)
        case "edit_file": text = try files.editFile(arguments)
        case "list_directory": text = try files.listDirectory(arguments)
        case "create_directory": text = try files.createDirectory(arguments)
        case "move_file": text = try files.moveFile(arguments)
        case "delete_file": text = try files.deleteFile(arguments)
        case "search_files": text = try files.searchFiles(arguments)
        case "get_file_info": text = try files.getFileInfo(arguments)
        case "read_multiple_files": text = try files.readMultipleFiles(arguments)
        default: throw SessionError.notFound("the local session has no tool '\(tool.name)'")
        }
        return ToolAnswer(text: text, isError: false)
    }

    public func findServer(forTool tool: String) async throws -> String? {
        LocalToolCatalog.tool(named: tool)?.server
    }

    public func labels() async throws -> [String: String] {
        state.withLock { $0.record.labels }
    }

    public func setLabels(_ labels: [String: String]) async throws {
        try Self.validateLabels(labels)
        try checkNotDeleted()
        try state.withLock { state in
            var record = state.record
            record.labels = labels
            try store.save(record)
            state.record = record
        }
    }

    public func info() async throws -> SessionInfo {
        let record = state.withLock { $0.record }
        let labels = record.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return SessionInfo(fields: [
            .init("session_id", sessionId),
            .init("backend", BackendKind.local.rawValue),
            .init("workspace", record.workspace + (record.ownsWorkspace ? "" : " (given; kept on delete)")),
            .init("created", created.formatted(.iso8601)),
            .init("image_id", "linux_latest"),
            .init("labels", labels.isEmpty ? "(none)" : labels),
            .init("sandbox", sandboxSettings.summary),
            .init("tools", String(LocalToolCatalog.tools.count)),
        ])
    }

    public func link(protocolType: String?, port: Int?, options: String?) async throws -> String {
        try Self.validateLinkPort(port)
        throw SessionError.unsupported(
            operation: "get_link", backend: .local,
            reason: "a local session has no public ports; open the workspace directly at \(workspaceURL.path)")
    }

    /// Removes the session record and, when baysh made it, the workspace (symlinks inside are removed, never
    /// followed). A second delete does nothing.
    public func delete(syncContext: Bool) async throws {
        let (record, deleted) = state.withLock { ($0.record, $0.deleted) }
        if deleted { return }
        sandbox?.close()
        if record.ownsWorkspace {
            do {
                try FileManager.default.removeItem(atPath: record.workspace)
            } catch let error as CocoaError where error.code == .fileNoSuchFile {
                // Already gone: the record still has to go.
            } catch {
                throw SessionError.configuration(
                    "cannot remove the workspace \(record.workspace): \(error.localizedDescription); remove it by hand")
            }
        }
        try store.removeRecord(id: record.id)
        state.withLock { $0.deleted = true }
    }

    /// Ends the sandbox and everything in it (no child process outlives a call anyway).
    public func close() async {
        sandbox?.close()
    }

    /// The sandbox for `workspace`, or the refusal to open the session: why, and what to do.
    private static func startSandbox(workspace: String, settings: SandboxSettings) throws -> Sandbox {
        do {
            return try Sandbox(workspace: workspace, settings: settings, environment: ProcessInfo.processInfo.environment)
        } catch SandboxError.cannotStart(let reason) {
            throw SessionError.configuration(
                "the local session runs shell and run_code in a bubblewrap sandbox, which cannot start here: \(reason). "
                    + Sandbox.whatToDo)
        }
    }

    /// Runs on this machine: never released when idle, no runtime cap, nothing to keep alive.
    public var lifecycle: SessionLifecycle {
        SessionLifecycle(applies: true, openedAt: openedAt, createdByBaysh: ownership == .created,
            lastCall: state.withLock { $0.lastCall })
    }

    /// `RUNNING` while the session exists; idle time counts from the last call in this baysh (or its opening).
    public func status() async throws -> SessionStatus {
        try checkNotDeleted()
        let lastCall = state.withLock { $0.lastCall }
        return SessionStatus(state: "RUNNING", idleFor: .between(lastCall ?? openedAt, Date()))
    }

    private func checkNotDeleted() throws {
        if state.withLock({ $0.deleted }) {
            throw SessionError.notFound("local session \(sessionId) was deleted; start a new one")
        }
    }
}
