import Foundation
import MCP

/// The meta commands for exploring chains of calls: `:vars`, `:find`, `:bench`, `:wire`.
extension MetaCommand {
    static let vars = MetaCommand(
        name: "vars", summary: "list the captured results ($x) with a preview",
        help: """
            x = LINE runs LINE and keeps its result as x (its structured content, else its text read as JSON, else
            the text); $_ is always the last result. Write $x or $x.items[0].id as an argument value (unquoted) to
            send that part of a result; the schema types it, so an id sends a number where the tool wants one.
            LINE | PATH prints part of a result: .a.b  .a[0]  .a[-1]  .a[]  .["odd key"]  keys  length.
            """
    ) { shell, _ in
        let all = shell.captures.all
        guard !all.isEmpty else { return .note("nothing captured yet: x = LINE keeps a result as $x") }
        let rows = all.map { capture in
            ["$" + capture.name, capture.value.kindName, preview(capture.value)]
        }
        return .lines(TextTable.lines(rows).joined(separator: "\n"))
    }

    /// One line of a captured value, cut to fit a listing.
    static func preview(_ value: Value) -> String {
        let text = ResultPathOutput.compact(value)
        let limit = 60
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "… (\(ByteSize.text(text.utf8.count)))"
    }

    static let find = MetaCommand(
        name: "find", synopsis: "WORDS", summary: "rank the tools by how well they match some words",
        help: """
            Ranks the tools by how well their name, argument names and description match WORDS (any case): a tool
            matching more of the words comes first, and a word in the name counts most. Shows the best 20.
            """
    ) { shell, invocation in
        let words = ToolSearch.words(invocation.rest)
        guard !words.isEmpty else { return .failure("usage: :find WORDS (for example :find read file)") }
        guard shell.toolsKnown else { return .failure("the tool list is not known: try :refresh") }
        let ranked = ToolSearch.rank(words, in: shell.tools)
        guard !ranked.isEmpty else {
            return .note("no tool matches \(words.joined(separator: " ")); :tools lists them all")
        }
        let shown = ranked.prefix(20)
        let rows = shown.map { match in
            [match.name, shell.tools.tool(named: match.name).map { firstLine($0.description) } ?? ""]
        }
        var output = RenderedOutput()
        output.line(TextTable.lines(rows).joined(separator: "\n"))
        if ranked.count > shown.count {
            output.errorLine("best \(shown.count) of \(ranked.count) matching tools", style: .dim)
        }
        return CommandOutcome(output: output)
    }

    private static func firstLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 70 ? String(line.prefix(69)) + "…" : line
    }

    static let bench = MetaCommand(
        name: "bench", synopsis: "N [--concurrency C] LINE",
        summary: "call a line N times (C at once) and print latency percentiles",
        help: """
            Calls LINE N times, C calls at once (default 1), then prints min, p50, p95, p99 and max latency,
            calls per second and how many calls failed (a transport error or an isError result). The arguments
            are resolved once, as :explain shows them; $x captures are substituted. Ctrl-C stops early and prints
            what was measured.
            """,
        completion: .callLine
    ) { shell, invocation in
        await runBench(shell, invocation.rest)
    }

    private static func runBench(_ shell: Shell, _ text: String) async -> CommandOutcome {
        let usage = "usage: :bench N [--concurrency C] LINE (for example :bench 100 --concurrency 4 echo hi)"
        var rest = Substring(text)
        func word() -> String {
            rest = rest.drop(while: \.isWhitespace)
            let word = rest.prefix { !$0.isWhitespace }
            rest = rest.dropFirst(word.count)
            return String(word)
        }
        guard let count = Int(word()), count > 0 else { return .failure(usage) }
        var concurrency = 1
        let afterCount = rest
        let flag = word()
        if flag == "--concurrency" || flag == "-c" {
            guard let value = Int(word()), value > 0 else { return .failure("--concurrency needs a number above 0") }
            concurrency = value
        } else {
            rest = afterCount
        }
        let line = String(rest.drop(while: \.isWhitespace))
        guard !line.isEmpty else { return .failure(usage) }
        let call: ResolvedCall
        do throws(CallLineError) {
            call = try shell.resolve(line)
        } catch {
            return CommandOutcome(output: DiagnosticText.render(error.diagnostics, line: line), failed: true)
        }
        guard await shell.confirmIfDestructive(call.tool) else { return .note("not called") }
        let bench = CallBench(
            tool: call.tool, arguments: call.arguments, options: shell.settings.callOptions, count: count,
            concurrency: min(concurrency, count))
        let stop = OutputInterrupt()
        let session = shell.session
        let run = Task { await bench.run(on: session, stop: stop) }
        let report = await shell.interrupts.whileHandling({
            stop.raise()
            run.cancel()
        }) {
            await run.value
        }
        var output = RenderedOutput()
        output.line(report.text)
        return CommandOutcome(output: output, failed: report.errors > 0)
    }
}
