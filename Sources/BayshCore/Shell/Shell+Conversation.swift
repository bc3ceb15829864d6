extension Shell {
    /// Takes in the tool list fetched again after the server said it changed, waiting for it (Ctrl-C stops
    /// waiting) so the next prompt, completion and call checks use it.
    func adoptRefetchedTools() async {
        guard let refetch = conversation.takeToolRefetch() else { return }
        if case .success(let (index?, _)) = await request(label: "list tools", { _ in await refetch.value }) {
            adopt(.success((index, .zero)))
        }
    }

    /// Before refusing a tool name the list does not have, fetches the list once more: the server may have added
    /// the tool without saying so yet.
    func refreshIfUnknown(_ tokens: TokenizedLine) async {
        guard toolsKnown, session.toolListCanChange, let call = try? CallLine.parse(tokens),
            tools.tool(named: call.tool) == nil
        else { return }
        await loadTools(refresh: true)
    }
}
