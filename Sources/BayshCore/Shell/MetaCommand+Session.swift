import Foundation

/// The meta commands about the session: `:session`, `:info`, `:labels`, `:link`, `:delete`, `:keep`, `:reconnect`.
extension MetaCommand {
    static let session = MetaCommand(
        name: "session", summary: "show the session's id, backend, image, VPC facts, key and lifecycle",
        help: """
            Shows what baysh knows about the session without asking it: id, backend, target, image, whether baysh
            created it (and so deletes it on exit unless :keep), the API key (masked), VPC facts (token masked), and
            its lifecycle: idle release, max runtime, keep-alive and when it will end.
            """
    ) { shell, _ in
        let session = shell.session
        let descriptor = session.descriptor
        var rows: [[String]] = [
            ["id:", session.sessionId],
            ["backend:", descriptor.backend.rawValue],
            ["target:", descriptor.target],
        ]
        if let image = descriptor.imageId { rows.append(["image:", image]) }
        switch session.ownership {
        case .created:
            rows.append(["ownership:", shell.settings.keepSession
                ? "created by baysh, kept on exit" : "created by baysh, deleted on exit (:keep keeps it)"])
        case .attached:
            rows.append(["ownership:", "attached, left running on exit"])
        }
        rows.append(["api key:", session.maskedAPIKey ?? "none"])
        if let confinement = session.confinement { rows.append(["sandbox:", confinement]) }
        if let log = descriptor.serverLog { rows.append(["server log:", log]) }
        if let vpc = session.vpc {
            var facts = [vpc.isEnabled ? "enabled" : "not enabled"]
            if let ip = vpc.networkInterfaceIP { facts.append("ip \(ip)") }
            if let port = vpc.httpPort { facts.append("port \(port)") }
            if let token = vpc.token { facts.append("token \(token.masked)") }
            rows.append(["vpc:", facts.joined(separator: ", ")])
        }
        rows += lifecycleRows(session.lifecycle, now: Date())
        rows.append(["tools:", shell.toolsKnown ? "\(shell.tools.count)" : "unknown (:refresh)"])
        rows += serverRows(session)
        return .lines(TextTable.lines(rows).joined(separator: "\n"))
    }

    /// What the server offers and the protocol revision in use, for `:session` and `:describe` (none for backends
    /// without an MCP handshake).
    static func serverRows(_ session: any Session) -> [[String]] {
        var rows: [[String]] = []
        if let offers = session.serverOffers { rows.append(["offers:", offers]) }
        if let revision = session.protocolRevision { rows.append(["protocol:", revision]) }
        if let changes = session.listChanges { rows.append(["changes:", changes]) }
        return rows
    }

    static let info = MetaCommand(
        name: "info", summary: "ask the session for its facts",
        help: "Asks the session for its facts (AgentBay: session info such as the resource URL; secrets masked)."
    ) { shell, _ in
        switch await shell.request(label: "info", { try await $0.info() }) {
        case .success(let (info, _)):
            var rows = info.fields.map { [$0.key + ":", $0.value] }
            if let requestId = info.requestId { rows.append(["request id:", requestId]) }
            if rows.isEmpty { return .note("the session gave no facts") }
            return .lines(TextTable.lines(rows).joined(separator: "\n"))
        case .failure(let failure):
            return .failure(failure.message)
        }
    }

    static let labels = MetaCommand(
        name: "labels", synopsis: "[KEY=VALUE ...]", summary: "show the session's labels, or replace them",
        help: """
            :labels shows the labels; :labels team=infra env=dev replaces them with the ones given (quote values
            with spaces: owner="Ada Lovelace").
            """
    ) { shell, invocation in
        if invocation.arguments.isEmpty {
            switch await shell.request(label: "labels", { try await $0.labels() }) {
            case .success(let (labels, _)):
                if labels.isEmpty { return .note("no labels") }
                return .lines(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n"))
            case .failure(let failure):
                return .failure(failure.message)
            }
        }
        var labels: [String: String] = [:]
        for argument in invocation.arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                return .failure("'\(argument)' is not KEY=VALUE: write :labels key=value ...")
            }
            labels[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
        }
        let chosen = labels
        switch await shell.request(label: "set labels", { try await $0.setLabels(chosen) }) {
        case .success: return .note("labels set: " + chosen.keys.sorted().joined(separator: ", "))
        case .failure(let failure): return .failure(failure.message)
        }
    }

    static let link = MetaCommand(
        name: "link", synopsis: "[PROTOCOL] [PORT] [OPTIONS]", summary: "get a URL for a port of the session",
        help: """
            Asks for a link to the session (get_link). PROTOCOL is for example https or wss; PORT must be from
            30100 to 30199; OPTIONS is passed as is. A local session has no links and says so.
            """,
        completion: .words([["https", "wss"]])
    ) { shell, invocation in
        var protocolType: String?
        var port: Int?
        var options: [String] = []
        for argument in invocation.arguments {
            if port == nil, options.isEmpty, let number = Int(argument) {
                port = number
            } else if protocolType == nil, port == nil, options.isEmpty {
                protocolType = argument
            } else {
                options.append(argument)
            }
        }
        let extra = options.isEmpty ? nil : options.joined(separator: " ")
        let (chosenProtocol, chosenPort) = (protocolType, port)
        let result = await shell.request(label: "link") {
            try await $0.link(protocolType: chosenProtocol, port: chosenPort, options: extra)
        }
        switch result {
        case .success(let (url, _)): return .lines(url)
        case .failure(let failure): return .failure(failure.message)
        }
    }

    static let delete = MetaCommand(
        name: "delete", synopsis: "[--sync]", summary: "delete the session and exit",
        help: """
            Deletes the session (a local session removes its workspace) and ends baysh. --sync asks AgentBay to
            synchronise context data first.
            """,
        completion: .words([["--sync"]])
    ) { shell, invocation in
        let sync = invocation.arguments.contains("--sync")
        if let unknown = invocation.arguments.first(where: { $0 != "--sync" }) {
            return .failure("unknown option '\(unknown)': :delete takes only --sync")
        }
        switch await shell.request(label: "delete", { try await $0.delete(syncContext: sync) }) {
        case .success:
            shell.sessionWasDeleted()
            return .note("deleted session \(shell.session.sessionId)")
        case .failure(let failure):
            // A session that is already gone leaves nothing to delete: end as if deleted.
            if let note = await shell.closeIfGone() {
                shell.sessionWasDeleted()
                return CommandOutcome(output: note)
            }
            return .failure(failure.message)
        }
    }

    static let keep = MetaCommand(
        name: "keep", summary: "keep the session when baysh exits",
        help: "Keeps a session baysh created when baysh exits, so it can be attached again with --session-id."
    ) { shell, _ in
        guard shell.session.ownership == .created else {
            return .note("this session was attached, so it is kept anyway")
        }
        shell.settings.keepSession = true
        return .note("session \(shell.session.sessionId) will be kept on exit")
    }

    static let reconnect = MetaCommand(
        name: "reconnect", summary: "connect to the MCP server again",
        help: "Restarts the connection to an MCP server (after it exited or dropped) and fetches its tools again."
    ) { shell, _ in
        guard shell.session is any ReconnectableSession else {
            return .note("not needed: a \(shell.session.descriptor.backend.rawValue) session has no connection "
                + "of its own to restore")
        }
        let result = await shell.request(label: "reconnect") { session in
            guard let reconnectable = session as? any ReconnectableSession else { return }
            try await reconnectable.reconnect()
        }
        if case .failure(let failure) = result { return .failure("reconnect failed: \(failure.message)") }
        switch await shell.loadTools(refresh: true) {
        case .success(let count): return .note("reconnected; \(count) tools")
        case .failure(let failure): return .failure("reconnected, but listing tools failed: \(failure.message)")
        }
    }
}
