import MCP

extension MetaCommand {
    static let loglevel = MetaCommand(
        name: "loglevel", synopsis: "[LEVEL]", summary: "choose which server log messages are shown",
        help: """
            Server log messages (notifications/message) print on stderr above the prompt as [level logger] text.
            :loglevel LEVEL shows LEVEL and above (debug, info, notice, warning, error, critical, alert, emergency;
            info by default) and asks the server to send only those (logging/setLevel). :loglevel alone says the
            level.
            """,
        completion: .words([LogLevel.allCases.map(\.rawValue)])
    ) { shell, invocation in
        guard let word = invocation.arguments.first else {
            return .lines("log level is \(shell.conversation.logLevel.rawValue)")
        }
        guard let level = LogLevel(rawValue: word.lowercased()), invocation.arguments.count == 1 else {
            return .failure(
                "usage: :loglevel LEVEL, where LEVEL is one of "
                    + LogLevel.allCases.map(\.rawValue).joined(separator: ", "))
        }
        shell.conversation.logLevel = level
        let shown = "log level \(level.rawValue): server messages below it are not shown"
        switch await shell.request(label: "set log level", { try await $0.setLogLevel(level) }) {
        case .success: return .note(shown)
        case .failure(let failure): return .note(shown + " (\(failure.message))")
        }
    }
}
