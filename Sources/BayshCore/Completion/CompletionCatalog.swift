/// What Tab knows of a server's resources and prompts, taken from the session's caches (no I/O): `:read ⇥` offers
/// URIs and `:prompt ⇥` prompt names, then argument names, like a tool call's.
public struct CompletionCatalog: Sendable {
    /// The prompts as tools whose arguments are all strings, so the call line's completion serves them.
    public var prompts: ToolIndex
    /// Resource URIs, and templates' URIs up to their first `{` (the part that can be typed as is).
    public var uris: [String]
    /// Values the server completed for the word being typed (`completion/complete`), in its order.
    public var serverValues: [String]

    public init(prompts: ToolIndex = .empty, uris: [String] = [], serverValues: [String] = []) {
        self.prompts = prompts
        self.uris = uris
        self.serverValues = serverValues
    }

    /// The catalog of `resources` and `prompts` as last listed; `schema` turns a prompt into its argument schema.
    public init(resources: [ResourceInfo]?, prompts: [PromptInfo]?, serverValues: [String] = []) {
        self.prompts = ToolIndex((prompts ?? []).map { prompt in
            ToolInfo(name: prompt.name, description: prompt.description ?? "", inputSchema: PromptInfo.schema(of: prompt))
        })
        var uris: [String] = []
        for resource in resources ?? [] {
            let uri = resource.isTemplate ? String(resource.uri.prefix { $0 != "{" }) : resource.uri
            if !uri.isEmpty, !uris.contains(uri) { uris.append(uri) }
        }
        self.uris = uris
        self.serverValues = serverValues
    }

    func uris(withPrefix prefix: String) -> [CompletionCandidate] {
        let listed = uris.filter { $0.hasPrefix(prefix) && $0 != prefix }.map { uri in
            CompletionCandidate(insertion: uri, detail: "", isComplete: !uri.hasSuffix("/") && !uri.hasSuffix(":"))
        }
        let completed = serverValues.filter { $0.hasPrefix(prefix) }.map {
            CompletionCandidate(insertion: $0, detail: "", isComplete: true)
        }
        return completed + listed
    }
}
