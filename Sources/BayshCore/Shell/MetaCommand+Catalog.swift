import Foundation
import MCP

/// The meta commands about what a server offers beside tools: `:resources`, `:read`, `:prompts`, `:prompt`.
extension MetaCommand {
    static let resources = MetaCommand(
        name: "resources", synopsis: "[FILTER]", summary: "list the server's resources and resource templates",
        help: """
            Lists the server's resources and resource templates (every page): name, URI (a template's has
            {variables}), MIME type and size when the server gives them. FILTER keeps the entries whose name, URI
            or description contains it (any case).
            """
    ) { shell, invocation in
        let filter = invocation.rest.trimmingCharacters(in: .whitespaces).lowercased()
        switch await shell.request(label: "list resources", { try await $0.listResources() }) {
        case .failure(let failure): return .failure("could not list resources: \(failure.message)")
        case .success(let (all, _)):
            return table(all, filter: filter, kind: "resource", searched: { [$0.name, $0.uri, $0.description ?? ""] }) {
                [$0.name, $0.uri, $0.mimeType ?? "", $0.isTemplate ? "template" : $0.size.map(ByteSize.text) ?? ""]
            }
        }
    }

    static let read = MetaCommand(
        name: "read", synopsis: "URI [VARIABLE=VALUE ...]", summary: "read a resource: text printed, blobs saved",
        help: """
            Reads the resource at URI (resources/read). Text is printed; binary contents are saved under the
            output folder like images, and the path is printed. A URI that matches a template is read through it
            (:read notes://milk against notes://{name}); a template's {variables} can also be filled by name:
            :read notes://{name} name=milk. Tab completes URIs, and template variables when the server offers
            completions.
            """,
        completion: .resourceURI
    ) { shell, invocation in
        guard let first = invocation.arguments.first else { return .failure("usage: :read URI [VARIABLE=VALUE ...]") }
        let uri: String
        do {
            uri = try fillTemplate(first, with: Array(invocation.arguments.dropFirst()))
        } catch {
            return .failure("\(error)")
        }
        switch await shell.request(label: "read \(uri)", { try await $0.readResource(uri: uri) }) {
        case .failure(let failure): return .failure("could not read \(uri): \(failure.message)")
        case .success(let (contents, _)):
            let rendered = shell.resultRenderer.render(ToolResult(content: contents), tool: "resource")
            return CommandOutcome(output: rendered.output, failed: rendered.failed, savedFiles: rendered.savedFiles)
        }
    }

    /// The rows of the entries whose `searched` texts contain `filter` (any case), with a count when filtered.
    private static func table<Entry>(
        _ all: [Entry], filter: String, kind: String, searched: (Entry) -> [String], row: (Entry) -> [String]
    ) -> CommandOutcome {
        let matching = all.filter { entry in filter.isEmpty || searched(entry).contains { $0.lowercased().contains(filter) } }
        guard !matching.isEmpty else {
            return filter.isEmpty ? .note("this server has no \(kind)s") : .note("no \(kind) matches '\(filter)'")
        }
        var output = RenderedOutput()
        output.line(TextTable.lines(matching.map(row)).joined(separator: "\n"))
        if !filter.isEmpty { output.errorLine("\(matching.count) of \(all.count) \(kind)s", style: .dim) }
        return CommandOutcome(output: output)
    }

    /// `notes://{name}` with `name=milk` gives `notes://milk`; a URI without variables takes no values.
    static func fillTemplate(_ uri: String, with assignments: [String]) throws -> String {
        let variables = ResourceInfo(name: "", uri: uri, isTemplate: true).templateVariables
        var filled = uri
        var given: Set<String> = []
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), !variables.isEmpty else {
                throw SessionError.invalidArgument(
                    "'\(assignment)' is not VARIABLE=VALUE for a {variable} of the URI \(uri)")
            }
            let name = String(assignment[..<equals])
            guard variables.contains(name) else {
                var message = "the URI \(uri) has no variable '{\(name)}'"
                if let close = Suggestion.closest(to: name, among: variables) { message += "; did you mean '\(close)'?" }
                throw SessionError.invalidArgument(message)
            }
            let value = String(assignment[assignment.index(after: equals)...])
            let escaped = value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? value
            filled = filled.replacingOccurrences(of: "{\(name)}", with: escaped)
            given.insert(name)
        }
        if !given.isEmpty, let missing = variables.first(where: { !given.contains($0) }) {
            throw SessionError.invalidArgument("the URI \(uri) still needs {\(missing)}: add \(missing)=VALUE")
        }
        return filled
    }

    static let prompts = MetaCommand(
        name: "prompts", synopsis: "[FILTER]", summary: "list the server's prompts with their arguments",
        help: """
            Lists the server's prompts (every page), each with its arguments: required ones as name, optional ones
            in brackets. FILTER keeps the prompts whose name or description contains it (any case).
            """
    ) { shell, invocation in
        let filter = invocation.rest.trimmingCharacters(in: .whitespaces).lowercased()
        switch await shell.request(label: "list prompts", { try await $0.listPrompts() }) {
        case .failure(let failure): return .failure("could not list prompts: \(failure.message)")
        case .success(let (all, _)):
            return table(all, filter: filter, kind: "prompt", searched: { [$0.name, $0.description ?? ""] }) { prompt in
                let signature = ([prompt.name] + prompt.arguments.map { $0.required ? $0.name : "[\($0.name)]" })
                    .joined(separator: " ")
                return [signature, prompt.description ?? ""]
            }
        }
    }

    static let prompt = MetaCommand(
        name: "prompt", synopsis: "NAME [key=value ...]", summary: "get a prompt and print its messages",
        help: """
            Gets the prompt NAME (prompts/get) with its arguments written like a tool call: key=value, quoted
            values, and bare values for the required arguments in order. Unknown or missing arguments are refused
            before anything is sent. The messages print with their roles; images and binary resources in them are
            saved like a tool result's.
            """,
        completion: .promptCall
    ) { shell, invocation in
        let line = invocation.rest
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else {
            return .failure("usage: :prompt NAME [key=value ...]")
        }
        let known: [PromptInfo]
        if let cached = shell.session.cachedPrompts {
            known = cached
        } else {
            switch await shell.request(label: "list prompts", { try await $0.listPrompts() }) {
            case .failure(let failure): return .failure("could not list prompts: \(failure.message)")
            case .success(let (listed, _)): known = listed
            }
        }
        let arguments: [String: String]
        let name: String
        do throws(CallLineError) {
            let call = try CallLine.parse(line)
            name = call.tool
            guard let prompt = known.first(where: { $0.name == call.tool }) else {
                var message = "no prompt '\(call.tool)'"
                if let close = Suggestion.closest(to: call.tool, among: known.map(\.name)) {
                    message += "; did you mean '\(close)'?"
                }
                return .failure(message + " (:prompts lists them)")
            }
            let resolved = try ArgumentResolver(schema: PromptInfo.schema(of: prompt)).resolve(call)
            arguments = resolved.arguments.mapValues { $0.stringValue ?? JSONText.encode($0) }
        } catch {
            return CommandOutcome(output: DiagnosticText.render(error.diagnostics, line: line), failed: true)
        }
        switch await shell.request(label: "prompt \(name)", { try await $0.getPrompt(name: name, arguments: arguments) }) {
        case .failure(let failure): return .failure("could not get prompt \(name): \(failure.message)")
        case .success(let (result, _)):
            var outcome = CommandOutcome()
            if let description = result.description { outcome.output.errorLine(description, style: .dim) }
            for message in result.messages {
                outcome.output.line("\(message.role):", style: .emphasis)
                let rendered = shell.resultRenderer.render(ToolResult(content: [message.content]), tool: name)
                outcome.output.append(rendered.output)
                outcome.failed = outcome.failed || rendered.failed
                outcome.savedFiles += rendered.savedFiles
            }
            if result.messages.isEmpty { outcome.output.errorLine("(no messages)", style: .dim) }
            return outcome
        }
    }
}
