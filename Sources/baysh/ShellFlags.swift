import ArgumentParser
import BayshCore
import Foundation

/// How the shell behaves: `-c` lines, confirmations, history, output format, timeouts.
struct ShellFlags: ParsableArguments {
    @Option(name: .customShort("c"), help: ArgumentHelp(
        "Run this line and exit (repeatable); the exit status is 1 if any line failed.", valueName: "line"))
    var commands: [String] = []

    @Flag(help: "Call destructive tools without asking.")
    var yes = false

    @Flag(help: "Keep a session baysh created when it exits.")
    var keep = false

    @Option(name: .customLong("history-size"), help: ArgumentHelp("Lines of history kept per target.",
        valueName: "n"))
    var historySize = Self.defaultHistorySize

    @Flag(name: .customLong("no-history"), help: "Do not read or write the history file.")
    var noHistory = false

    @Option(help: "How results are printed: text, json or raw (raw: bytes as sent, escape sequences included).")
    var format: OutputFormat = .text

    @Option(name: .customLong("timeout-ms"), help: ArgumentHelp(
        "How long a call may take (for AgentBay also each API request).", valueName: "ms"))
    var timeoutMs: Int?

    @Option(name: .customLong("root"), help: ArgumentHelp(
        "A folder an MCP server may work in, as its roots/list answer (repeatable; default: the current directory).",
        valueName: "dir"))
    var roots: [String] = []

    func validate() throws {
        for root in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--root \(root): no such folder")
            }
        }
        if historySize < 1 { throw ValidationError("--history-size must be at least 1") }
        if let timeoutMs, timeoutMs <= 0 { throw ValidationError("--timeout-ms must be a positive number of ms") }
    }

    static let defaultHistorySize = 1000

    func options() -> Shell.Options {
        var options = Self.options(
            format: format, timeoutMs: timeoutMs, keep: keep, yes: yes, historySize: historySize, noHistory: noHistory)
        options.roots = roots
        return options
    }

    /// The options with no shell flag given (`baysh -c LINE` reads only `-c`).
    static let defaultOptions = options(
        format: .text, timeoutMs: nil, keep: false, yes: false, historySize: defaultHistorySize, noHistory: false)

    private static func options(
        format: OutputFormat, timeoutMs: Int?, keep: Bool, yes: Bool, historySize: Int, noHistory: Bool
    ) -> Shell.Options {
        Shell.Options(
            settings: ShellSettings(
                format: format, readTimeout: timeoutMs.map { .milliseconds($0) }, keepSession: keep,
                assumeYes: yes),
            historySize: historySize, historyEnabled: !noHistory)
    }
}

extension OutputFormat: ExpressibleByArgument {}
