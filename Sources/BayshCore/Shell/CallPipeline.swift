import Foundation
import MCP

/// One line's way through the shell, in the order the steps below come:
///
/// ```
/// 1. read      readEntry: a line, and the lines that continue it while a quote or bracket is open
/// 2. parse     CallLine.parse on the tokens the continuation check made (a line is tokenized once)
/// 3. resolve   ArgumentResolver: the arguments typed and checked by the tool's schema
/// 4. confirm   a destructive tool asks first, when someone is there to answer
/// 5. call      Session.callTool: Ctrl-C cancels, a spinner shows after half a second
/// 6. render    ResultRenderer, then printed so that Ctrl-C stops the printing at once
/// 7. record    the ShellObserver gets a ShellRecord holding the canonical line
/// ```
///
/// Lines starting with `:` are ``MetaCommand``s: the command takes the place of steps 2 to 6.
extension Shell {
    /// A line on its way through: the text as entered and its tokens, made once.
    struct EnteredLine {
        var text: String
        var tokens: TokenizedLine

        init(_ text: String) {
            self.text = text
            tokens = CallLineTokenizer.tokenize(text)
        }
    }

    // MARK: 1. Read

    /// One entry: a line, plus continuation lines while a quote or bracket is open. Nil at end of input; an empty
    /// line when Ctrl-C abandoned it.
    func readEntry() async -> EnteredLine? {
        var entry: EnteredLine
        switch await read(prompt: prompt) {
        case .endOfInput:
            if editor.isInteractive { TerminalText.write("\n", to: STDOUT_FILENO) }
            return nil
        case .interrupted: return EnteredLine("")
        case .line(let line): entry = EnteredLine(line)
        }
        while CallLine.needsContinuation(entry.tokens) {
            switch await read(prompt: continuationPrompt) {
            case .line(let more): entry = EnteredLine(entry.text + "\n" + more)
            case .interrupted: return EnteredLine("")
            // The parser then reports the quote left open.
            case .endOfInput: return entry
            }
        }
        return entry
    }

    /// Runs one line (a call or a meta command), prints its output, tells the observer, and gives the outcome.
    @discardableResult
    public func execute(_ line: String) async -> CommandOutcome {
        await execute(EnteredLine(line))
    }

    /// What running a line gave, before printing: the outcome, what kind of line it was, the error of a call
    /// that got no result, and the schema its arguments were typed by.
    private struct LineResult {
        var outcome: CommandOutcome
        var kind: ShellRecord.Kind
        var error: String?
        var schema: Value?
        /// A line with captures or a path is recorded as typed, so a replay substitutes again.
        var keepsTypedLine = false
    }

    @discardableResult
    func execute(_ entry: EnteredLine) async -> CommandOutcome {
        let started = ContinuousClock.now
        await awaitBackgroundTools()
        await adoptRefetchedTools()
        conversation.beginCommand()
        let text = entry.text.drop(while: \.isWhitespace)
        let result: LineResult
        if text.hasPrefix(":") {
            let (outcome, kind) = await runMeta(text.dropFirst())
            result = LineResult(outcome: outcome, kind: kind)
        } else if let refusal = refuseCallToGoneSession() {
            result = LineResult(outcome: refusal, kind: .refused)
        } else {
            result = await runCall(entry)
        }
        let failed = await printOutput(result.outcome)
        reportSessionGoneAfter(result.outcome)
        // Log lines and notes printed while it ran belong to the command's output too (a transcript keeps them).
        let (heard, answers) = conversation.endCommand()
        var output = heard
        output.append(result.outcome.output)
        // 7. Record. The record holds the command's whole output, as if it had been printed to the end: a
        // transcript replays the command, and Ctrl-C stopped only the printing of its output, not the command.
        await observer?.shellDidRun(ShellRecord(
            line: entry.text, kind: result.kind, output: output, failed: failed, error: result.error,
            elapsed: ContinuousClock.now - started, schema: result.schema, keepsTypedLine: result.keepsTypedLine,
            answers: answers))
        // A tool list the server changed during the command is in place before the next prompt.
        await adoptRefetchedTools()
        return CommandOutcome(output: output, failed: failed, savedFiles: result.outcome.savedFiles)
    }

    private func runCall(_ entry: EnteredLine) async -> LineResult {
        // 2, 3. Parse the line and type its arguments by the tool's schema.
        let parts = LineParts(entry.tokens, text: entry.text)
        let call: ResolvedCall
        let schema: Value?
        let substituted: Bool
        await refreshIfUnknown(parts.call)
        switch await resolveInterruptibly(parts.call) {
        case .success(let resolved):
            (call, schema, substituted) = (resolved.call, resolved.schema, !resolved.substitutions.isEmpty)
        case .failure(let error):
            let output = DiagnosticText.render(error.diagnostics, line: entry.text)
            return LineResult(outcome: CommandOutcome(output: output, failed: true), kind: .refused)
        }
        var output = DiagnosticText.render(call.warnings, line: entry.text, asWarnings: true)

        // 4. Ask before a destructive tool.
        guard await confirmIfDestructive(call.tool) else {
            output.errorLine("not called", style: .dim)
            return LineResult(outcome: CommandOutcome(output: output), kind: .refused)
        }

        // 5. Call it.
        let options = settings.callOptions
        let answer = await request(label: call.tool) { session in
            try await session.callTool(name: call.tool, arguments: call.arguments, options: options)
        }

        // 6. Render the result (printing follows in ``execute(_:)``).
        switch answer {
        case .failure(let failure):
            output.errorLine(failure.message)
            let kind = ShellRecord.Kind.call(tool: call.tool, arguments: call.arguments, result: nil)
            return LineResult(
                outcome: CommandOutcome(output: output, failed: true), kind: kind, error: failure.message,
                schema: schema, keepsTypedLine: substituted || !parts.isPlain)
        case .success(let (result, elapsed)):
            let rendered: RenderedResult
            if let path = parts.path, !result.isError {
                rendered = renderPath(path, of: result, line: entry.text, capture: parts.captureName)
            } else {
                rendered = resultRenderer.render(result, tool: call.tool)
                keep(result, as: parts.captureName)
            }
            output.append(rendered.output)
            if settings.showTiming {
                output.errorLine("took \((result.elapsed > .zero ? result.elapsed : elapsed).shortText)", style: .dim)
            }
            let kind = ShellRecord.Kind.call(tool: call.tool, arguments: call.arguments, result: result)
            return LineResult(
                outcome: CommandOutcome(output: output, failed: rendered.failed, savedFiles: rendered.savedFiles),
                kind: kind, schema: schema, keepsTypedLine: substituted || !parts.isPlain)
        }
    }

    // MARK: 2, 3. Parse and resolve

    /// The arguments `line` would send: parsed, typed by the tool's schema and validated. Unknown tools get a
    /// did-you-mean; when the tool list could not be fetched, values are typed by their look alone.
    /// A `NAME = ` in front and a ` | PATH` after the call are left out; `$x` values are substituted.
    public func resolve(_ line: String) throws(CallLineError) -> ResolvedCall {
        try resolve(LineParts(CallLineTokenizer.tokenize(line), text: line).call).call
    }

    /// ``resolve(_:)`` on a tokenized line, giving the schema the arguments were typed by as well (nil when the
    /// tool list is unknown) and the captures substituted into it.
    func resolve(_ line: TokenizedLine) throws(CallLineError)
        -> (call: ResolvedCall, schema: Value?, substitutions: [CaptureSubstitution])
    {
        let (call, substitutions) = try captures.substitute(try CallLine.parse(line))
        guard toolsKnown else {
            return (try ArgumentResolver(schema: nil).resolve(call), nil, substitutions)
        }
        guard let tool = tools.tool(named: call.tool) else {
            throw CallLineError(diagnostics: [
                CallLineDiagnostic.unknownTool(call.tool, column: call.toolColumn, tools: tools.names)
            ])
        }
        // Built from the compact form on each read: read once, used for resolving and for the record.
        let schema = tool.inputSchema
        return (try ArgumentResolver(schema: schema).resolve(call), schema, substitutions)
    }

    /// ``resolve(_:)`` with Ctrl-C stopping a slow schema `pattern` check (see ``PatternBudget``); a script has no
    /// handler, so Ctrl-C ends it as usual.
    private func resolveInterruptibly(_ line: TokenizedLine) async -> Result<
        (call: ResolvedCall, schema: Value?, substitutions: [CaptureSubstitution]), CallLineError
    > {
        typealias Resolved = (call: ResolvedCall, schema: Value?, substitutions: [CaptureSubstitution])
        let budget = PatternBudget(limit: patternTimeLimit)
        let attempt = { () -> Result<Resolved, CallLineError> in
            PatternBudget.$current.withValue(budget) {
                do throws(CallLineError) { return .success(try self.resolve(line)) } catch { return .failure(error) }
            }
        }
        guard editor.isInteractive else { return attempt() }
        return await interrupts.whileHandling({ budget.interrupt() }) { attempt() }
    }

    // MARK: 4. Confirm

    /// Whether to go on with calling `name`: true unless the tool is destructive, someone at a terminal can be
    /// asked, `--yes` is off, the tool was not answered `a` (always) before, and the answer is no.
    func confirmIfDestructive(_ name: String) async -> Bool {
        guard let tool = tools.tool(named: name), tool.needsConfirmation, editor.isInteractive,
            !settings.assumeYes, !confirmedTools.contains(tool.name)
        else { return true }
        let question =
            "\(TerminalText.visible(tool.name)) is marked destructive: it may change or delete things. "
            + "Call it? [y/N/a=always] "
        guard case .line(let answer) = await read(prompt: question) else { return false }
        switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
        case "y", "yes":
            return true
        case "a", "always":
            confirmedTools.insert(tool.name)
            return true
        default:
            return false
        }
    }

    // MARK: 6. Print

    /// Prints a command's output so that Ctrl-C stops it at once, even while a slow terminal or a pipe nobody
    /// reads holds up the writing. Gives whether the line counts as failed: a script must not take a cut output
    /// for the whole of it.
    private func printOutput(_ outcome: CommandOutcome) async -> Bool {
        let interrupt = OutputInterrupt()
        let writer = self.writer
        let printed = await interrupts.whileHandling({ interrupt.raise() }) {
            writer.write(outcome.output, stoppingAt: interrupt)
        }
        var failed = outcome.failed
        if printed.interrupted {
            failed = true
            writer.write(interruptionNote(printed, savedFiles: outcome.savedFiles))
        }
        if failed { anyFailed = true }
        return failed
    }

    /// `output interrupted after 1.2 MB of 100.0 MB; the full result is in …`, on a line of its own.
    private func interruptionNote(_ printed: TerminalWriter.PrintedAmount, savedFiles: [String]) -> RenderedOutput {
        var note = "output interrupted after \(ByteSize.text(printed.written)) of "
            + "\(ByteSize.text(printed.total))"
        if !savedFiles.isEmpty {
            note += "; the full result is in \(savedFiles.joined(separator: ", "))"
        }
        // The cut output rarely ends a line, and stdout and stderr share the terminal.
        let opening = printed.written > 0 && TerminalText.isTerminal(STDOUT_FILENO) ? "\n" : ""
        var output = RenderedOutput()
        output.errorLine(opening + note, style: .warning)
        return output
    }
}

extension Shell {
    /// Renders a result as the settings say: tool results, and resource contents and prompt messages alike.
    var resultRenderer: ResultRenderer {
        ResultRenderer(
            format: settings.format, truncation: TerminalText.isTerminal(STDOUT_FILENO) ? TruncationLimits() : nil,
            outputFolder: outputFolder)
    }
}
