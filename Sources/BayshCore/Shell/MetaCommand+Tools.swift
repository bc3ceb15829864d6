import Foundation

/// The meta commands about tools: `:help`, `:tools`, `:describe`, `:explain`, `:refresh`, `:server`.
extension MetaCommand {
    static let help = MetaCommand(
        name: "help", aliases: ["h", "?"], synopsis: "[COMMAND]", summary: "list the meta commands, or explain one",
        help: """
            :help lists every meta command; :help COMMAND shows how to use one.
            Anything not starting with ':' is a tool call: TOOL key=value ... (Tab completes tools and keys).
            """,
        completion: .metaCommandName
    ) { shell, invocation in
        if let name = invocation.arguments.first.map({ $0.hasPrefix(":") ? String($0.dropFirst()) : $0 }) {
            guard let command = shell.metaCommands.first(where: { $0.name == name || $0.aliases.contains(name) })
            else {
                var message = "no meta command ':\(name)'"
                if let close = Suggestion.closest(to: name, among: shell.metaCommands.map(\.name)) {
                    message += "; did you mean ':\(close)'?"
                }
                return .failure(message)
            }
            var output = RenderedOutput()
            output.line(command.usage, style: .emphasis)
            output.line(command.summary)
            output.line("")
            output.line(command.help)
            if !command.aliases.isEmpty {
                output.line("also: " + command.aliases.map { ":" + $0 }.joined(separator: ", "), style: .dim)
            }
            return CommandOutcome(output: output)
        }
        var output = RenderedOutput()
        output.line("Call a tool:  TOOL key=value ...   (key:=json, key@=file, bare values fill required arguments)")
        output.line("Meta commands:", style: .emphasis)
        output.line(TextTable.lines(shell.metaCommands.map { [$0.usage, $0.summary] }, indent: "  ")
            .joined(separator: "\n"))
        output.line("Keys: Tab completes, Ctrl-R searches history, Ctrl-C cancels, Ctrl-D exits.", style: .dim)
        return CommandOutcome(output: output)
    }

    static let tools = MetaCommand(
        name: "tools", synopsis: "[FILTER]", summary: "list the tools with their arguments",
        help: """
            Lists the session's tools, each with a compact signature: required arguments as name:type, optional
            ones in brackets. FILTER keeps the tools whose name or description contains it (any case).
            """
    ) { shell, invocation in
        guard shell.toolsKnown else { return .failure("the tool list is not known: try :refresh") }
        let filter = invocation.rest.trimmingCharacters(in: .whitespaces).lowercased()
        let index = shell.tools
        let matching = (0..<index.count).filter { position in
            let tool = index.tool(at: position)
            return filter.isEmpty || tool.name.lowercased().contains(filter)
                || tool.description.lowercased().contains(filter)
        }
        guard !matching.isEmpty else {
            return filter.isEmpty ? .note("this session has no tools") : .note("no tool matches '\(filter)'")
        }
        var output = RenderedOutput()
        output.line(ToolListing.text(matching.lazy.map(index.tool(at:))))
        if !filter.isEmpty { output.errorLine("\(matching.count) of \(index.count) tools", style: .dim) }
        return CommandOutcome(output: output)
    }

    static let describe = MetaCommand(
        name: "describe", aliases: ["d"], synopsis: "[TOOL]",
        summary: "show a tool's description, arguments and an example",
        help: """
            Shows the tool's description, server and annotations, a table of its arguments (type, whether
            required, default, allowed values, description), and an example call line. Without TOOL: what the
            server offers (tools, resources, prompts, completions, logging) and the protocol revision in use.
            """,
        completion: .toolName
    ) { shell, invocation in
        guard let name = invocation.arguments.first else {
            let rows = [["tools:", shell.toolsKnown ? "\(shell.tools.count)" : "unknown (:refresh)"]]
                + serverRows(shell.session)
            return .lines(TextTable.lines(rows).joined(separator: "\n"))
        }
        guard let tool = shell.tools.tool(named: name), let signature = shell.tools.signature(for: name) else {
            return .failure(unknownTool(name, in: shell))
        }
        return CommandOutcome(output: ToolDescription.render(tool, signature: signature))
    }

    static let explain = MetaCommand(
        name: "explain", synopsis: "LINE", summary: "show the JSON a call line would send, without calling",
        help: """
            Parses LINE as a tool call, types its arguments by the tool's schema and validates them, then prints
            the arguments object that would be sent, warnings, and errors with a caret under the token at fault.
            Each $x or $x.path value is shown with what it stood for. Nothing is called.
            """,
        completion: .callLine
    ) { shell, invocation in
        let line = invocation.rest
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return .failure("usage: :explain LINE") }
        do throws(CallLineError) {
            let (call, substitutions) = try shell.resolveShowingSubstitutions(line)
            var output = RenderedOutput()
            output.line(ValueJSON.pretty(.object(call.arguments)))
            for substitution in substitutions {
                output.errorLine("\(substitution.written) → \(preview(substitution.value))", style: .dim)
            }
            output.append(DiagnosticText.render(call.warnings, line: line, asWarnings: true))
            return CommandOutcome(output: output)
        } catch {
            return CommandOutcome(output: DiagnosticText.render(error.diagnostics, line: line), failed: true)
        }
    }

    static let refresh = MetaCommand(
        name: "refresh", summary: "fetch the tool list again",
        help: "Fetches the session's tool list again (it is cached), so new or changed tools complete and check."
    ) { shell, _ in
        switch await shell.loadTools(refresh: true) {
        case .success(let count): return .note("\(count) tools")
        case .failure(let failure): return .failure("could not list tools: \(failure.message)")
        }
    }

    static let server = MetaCommand(
        name: "server", synopsis: "TOOL", summary: "show which MCP server provides a tool",
        help: "Asks the session which MCP server provides TOOL (find_server_for_tool).",
        completion: .toolName
    ) { shell, invocation in
        guard let name = invocation.arguments.first else { return .failure("usage: :server TOOL") }
        switch await shell.request(label: "find server", { try await $0.findServer(forTool: name) }) {
        case .success(let (server?, _)): return .lines(server)
        case .success((nil, _)): return .failure(unknownTool(name, in: shell))
        case .failure(let failure): return .failure(failure.message)
        }
    }

    /// `unknown tool 'shel'; did you mean 'shell'?`
    static func unknownTool(_ name: String, in shell: Shell) -> String {
        CallLineDiagnostic.unknownTool(name, tools: shell.tools.names).message
    }
}
