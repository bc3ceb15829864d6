import MCP

/// Types a ``CallLine``'s arguments by the tool's JSON Schema and checks them before anything is sent.
///
/// ```swift
/// let call = try CallLine.parse("read_file /etc/hosts")
/// let resolved = try ArgumentResolver(schema: tool.inputSchema).resolve(call)
/// // resolved.arguments == ["path": "/etc/hosts"]
/// ```
public struct ArgumentResolver: Sendable {
    /// The tool's `inputSchema`, or nil when unknown (then values are typed by their look alone).
    public let schema: Value?
    let readFile: @Sendable (String) throws -> String

    /// - Parameters:
    ///   - schema: The tool's `inputSchema`, or nil.
    ///   - readFile: Reads the file named in `key@=path`; by default a UTF-8 file on disk, relative to the current
    ///     directory. Its error's description is shown to the user.
    public init(
        schema: Value?, readFile: @escaping @Sendable (String) throws -> String = FileReadError.readText
    ) {
        self.schema = schema
        self.readFile = readFile
    }

    /// The typed arguments, or every problem found (typing, missing or unknown keys, constraint violations).
    /// Pattern checks share the ``PatternBudget`` the caller set (the shell's, which Ctrl-C reaches), else one
    /// made here.
    public func resolve(_ call: CallLine) throws(CallLineError) -> ResolvedCall {
        guard PatternBudget.current == nil else { return try resolveInBudget(call) }
        let outcome: Result<ResolvedCall, CallLineError> = PatternBudget.$current.withValue(PatternBudget()) {
            do throws(CallLineError) { return .success(try resolveInBudget(call)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    private func resolveInBudget(_ call: CallLine) throws(CallLineError) -> ResolvedCall {
        let assembly = assemble(call)
        var errors = assembly.errors
        var warnings: [CallLineDiagnostic] = []
        if let schema, !assembly.objectUnreadable {
            let validator = SchemaValidator(alreadyReported: assembly.failedPaths)
            var shownOnce: Set<Bool> = []
            for finding in validator.check(.object(assembly.arguments), against: JSONSchema(schema), path: "") {
                if finding.onlyOnce, !shownOnce.insert(finding.isWarning).inserted { continue }
                let diagnostic = assembly.diagnostic(for: finding)
                if finding.isWarning { warnings.append(diagnostic) } else { errors.append(diagnostic) }
            }
        }
        guard errors.isEmpty else { throw CallLineError(diagnostics: errors) }
        return ResolvedCall(tool: call.tool, arguments: assembly.arguments, warnings: warnings)
    }

    /// Builds the arguments object without checking it against the schema (the renderer's round-trip check).
    func assemble(_ call: CallLine) -> ArgumentAssembly {
        var assembly = ArgumentAssembly(call: call, schema: schema.map(JSONSchema.init), readFile: readFile)
        assembly.run()
        return assembly
    }
}
