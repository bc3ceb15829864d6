import Foundation
import MCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Any ``Session`` as an MCP server over stdio, through the SDK's `Server` on a ``PipeTransport``: this is
/// `baysh serve`. Its tools are the session's tools; a call runs `Session.callTool`.
///
/// ```swift
/// try await SessionServer.run(session: localSession)
/// ```
public enum SessionServer {
    /// Serves `session` until the client closes `input` (its end of file), then returns. The session is not closed.
    ///
    /// - Parameters:
    ///   - input: Where requests come from (stdin by default). Never set to non-blocking mode.
    ///   - output: Where answers go (stdout by default). Nothing else may write to it.
    ///   - name: The `serverInfo.name` clients see; the session's descriptor label when nil.
    public static func run(
        session: any Session, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, name: String? = nil
    ) async throws {
        let server = Server(
            name: name ?? "baysh-\(session.descriptor.promptName)", version: BayshVersion.current,
            instructions: instructions(for: session), capabilities: .init(tools: .init(listChanged: false)))
        await register(session, on: server)
        let transport = PipeTransport(input: input, output: output, closesDescriptors: false, peer: "the MCP client",
            answersBeforeEnd: true)
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        await server.stop()
    }

    /// What the client is told at `initialize` (see ``WorkspaceInstructions``).
    static func instructions(for session: any Session) -> String? {
        session.workspacePath.map(WorkspaceInstructions.text(workspace:))
    }

    /// Answers tools/list and tools/call from `session`. Errors a session throws become JSON-RPC errors: an unknown
    /// tool or a bad argument is `invalid params` (-32602), anything else `internal error` (-32603) with the
    /// session's own message.
    static func register(_ session: any Session, on server: Server) async {
        await server.withMethodHandler(ListTools.self) { _ in
            do {
                return ListTools.Result(tools: try await session.listTools().map(ToolContent.tool))
            } catch {
                throw rpcError(error)
            }
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            do {
                let result = try await session.callTool(
                    name: parameters.name, arguments: parameters.arguments ?? [:], options: CallOptions())
                return ToolContent.result(result)
            } catch {
                throw rpcError(error)
            }
        }
    }

    private static func rpcError(_ error: Swift.Error) -> Swift.Error {
        if error is CancellationError { return error }
        guard let failure = error as? SessionError else {
            return MCPError.internalError(Redactor.shared.redact("\(error)"))
        }
        let message = Redactor.shared.redact(failure.description)
        switch failure {
        case .notFound, .invalidArgument, .outsideWorkspace:
            return MCPError.invalidParams(message)
        case .cancelled:
            return CancellationError()
        default:
            return MCPError.internalError(message)
        }
    }
}
