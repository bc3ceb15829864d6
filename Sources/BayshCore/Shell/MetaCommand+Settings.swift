import Foundation

/// The meta commands about the shell itself: `:timeout`, `:timing`, `:format`, `:set`, `:history`, `:rerun`,
/// `:quit`.
extension MetaCommand {
    static let timeout = MetaCommand(
        name: "timeout", synopsis: "[read=MS] [connect=MS]", summary: "show or set the call timeouts",
        help: """
            Sets how long a call may take (read=MS) and how long connecting may take (connect=MS), in
            milliseconds; 0 goes back to the backend's default. Without arguments shows the current values.
            """,
        completion: .words([["read=", "connect="]])
    ) { shell, invocation in
        for argument in invocation.arguments {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["read", "connect"].contains(parts[0]), let ms = Int(parts[1]), ms >= 0 else {
                return .failure("'\(argument)' is not read=MS or connect=MS (milliseconds, 0 for the default)")
            }
            let value: Duration? = ms == 0 ? nil : .milliseconds(ms)
            if parts[0] == "read" { shell.settings.readTimeout = value } else { shell.settings.connectTimeout = value }
        }
        func show(_ value: Duration?) -> String { value.map(\.shortText) ?? "backend default" }
        return .lines("read: \(show(shell.settings.readTimeout))\nconnect: \(show(shell.settings.connectTimeout))")
    }

    static let timing = MetaCommand(
        name: "timing", synopsis: "on|off", summary: "print how long each call took",
        help: ":timing on prints each call's elapsed time after its result; :timing off stops it.",
        completion: .words([["on", "off"]])
    ) { shell, invocation in
        switch invocation.arguments.first {
        case "on": shell.settings.showTiming = true
        case "off": shell.settings.showTiming = false
        case nil: return .lines("timing is \(shell.settings.showTiming ? "on" : "off")")
        default: return .failure("usage: :timing on|off")
        }
        return .note("timing \(shell.settings.showTiming ? "on" : "off")")
    }

    static let format = MetaCommand(
        name: "format", synopsis: "text|json|raw", summary: "choose how results are printed",
        help: """
            text: text as is, JSON pretty-printed, the shell tool's output unpacked, images saved to files.
              Control characters a server sends are shown spelled out (\\x1b, \\x9b), never obeyed.
            json: the whole result as MCP JSON, for jq (control characters as \\u001b escapes).
            raw: text items byte for byte, control characters and escape sequences included: the one way
              to get a result exactly as the server sent it (only use it with servers you trust).
            """,
        completion: .words([OutputFormat.allCases.map(\.rawValue)])
    ) { shell, invocation in
        guard let word = invocation.arguments.first else {
            return .lines("format is \(shell.settings.format.rawValue)")
        }
        guard let format = OutputFormat(rawValue: word) else {
            return .failure("unknown format '\(word)': use text, json or raw")
        }
        shell.settings.format = format
        return .note("format \(format.rawValue)")
    }

    static let set = MetaCommand(
        name: "set", synopsis: "hints on|off", summary: "change a shell setting",
        help: ":set hints off hides the dim argument hints after the cursor; :set hints on shows them again.",
        completion: .words([["hints"], ["on", "off"]])
    ) { shell, invocation in
        let arguments = invocation.arguments
        guard arguments.count == 2, arguments[0] == "hints", ["on", "off"].contains(arguments[1]) else {
            if arguments.isEmpty { return .lines("hints \(shell.settings.hints ? "on" : "off")") }
            return .failure("usage: :set hints on|off")
        }
        shell.settings.hints = arguments[1] == "on"
        return .note("hints \(arguments[1])")
    }

    static let history = MetaCommand(
        name: "history", synopsis: "[N|FROM-TO]", summary: "list earlier lines, numbered for :rerun",
        help: """
            :history lists the last 20 lines, :history 50 the last 50, :history 10-20 lines 10 to 20. The numbers
            are what :rerun takes. History is kept per target in $XDG_STATE_HOME/baysh/.
            """
    ) { shell, invocation in
        let entries = shell.history.entries
        var range = max(entries.count - 20, 0)..<entries.count
        if let argument = invocation.arguments.first {
            if let count = Int(argument), count > 0 {
                range = max(entries.count - count, 0)..<entries.count
            } else if let bounds = rangeBounds(argument), bounds.lower <= bounds.upper {
                range = min(bounds.lower - 1, entries.count)..<min(bounds.upper, entries.count)
            } else {
                return .failure("usage: :history [N|FROM-TO] (for example :history 10-20)")
            }
        }
        guard !range.isEmpty else { return .note("no history") }
        let width = String(range.upperBound).count
        let lines = range.map { index in
            let number = String(index + 1)
            return String(repeating: " ", count: width - number.count) + number + "  "
                + entries[index].replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: width + 2))
        }
        return .lines(lines.joined(separator: "\n"))
    }

    static let rerun = MetaCommand(
        name: "rerun", aliases: ["r"], synopsis: "N", summary: "run history line N again (-1 is the last)",
        help: """
            Runs the history line numbered N by :history again; a negative N counts back from the end (-1 is the
            previous line). The line run is added to history itself.
            """
    ) { shell, invocation in
        let entries = shell.history.entries
        guard let argument = invocation.arguments.first, let number = Int(argument), number != 0 else {
            return .failure("usage: :rerun N (a number from :history; -1 is the previous line)")
        }
        // The ":rerun" line itself is already the last entry when run interactively.
        let earlier = entries.last.map { $0.hasPrefix(":rerun") || $0.hasPrefix(":r ") } == true
            ? Array(entries.dropLast()) : entries
        let index = number > 0 ? number - 1 : earlier.count + number
        guard earlier.indices.contains(index) else {
            return .failure("no history line \(number): :history shows the numbers (1 to \(earlier.count))")
        }
        let line = earlier[index]
        guard !line.hasPrefix(":rerun"), !line.hasPrefix(":r ") else {
            return .failure("line \(number) is itself a :rerun; not running it again")
        }
        shell.writer.write(RenderedOutput(chunks: [.init(stream: .standardError, text: line + "\n", style: .dim)]))
        if shell.history.record(line) { shell.editor.addHistory(line) }
        // The line is printed and recorded as itself; the :rerun line only carries its status.
        let outcome = await shell.execute(line)
        return CommandOutcome(failed: outcome.failed)
    }

    static let quit = MetaCommand(
        name: "quit", aliases: ["q", "exit"], summary: "leave baysh (Ctrl-D does the same)",
        help: "Ends baysh. A session baysh created is deleted unless :keep or --keep was given."
    ) { shell, _ in
        shell.requestQuit()
        return CommandOutcome()
    }

    /// `10-20` as (10, 20).
    static func rangeBounds(_ text: String) -> (lower: Int, upper: Int)? {
        let parts = text.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2, let lower = Int(parts[0]), let upper = Int(parts[1]), lower >= 1 else { return nil }
        return (lower, upper)
    }
}
