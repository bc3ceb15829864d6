import BayshCore
import Foundation
import MCP
import Synchronization

/// The fake's request handling: routing, authorization, faults, then the action.
final class FakeBackend: Sendable {
    let apiKey: String
    let executor: FakeToolExecutor
    let state: Mutex<FakeState>

    init(apiKey: String, executor: FakeToolExecutor, options: FakeOptions, seed: UInt64) {
        self.apiKey = apiKey
        self.executor = executor
        self.state = Mutex(FakeState(options: options, generator: SeededGenerator(seed: seed)))
    }

    func setPort(_ port: Int) { state.withLock { $0.port = port } }

    /// Reads the state after releasing what is due, as a request would see it.
    func reaped<T>(_ body: (inout FakeState) -> T) -> T {
        state.withLock { state in
            state.reap()
            return body(&state)
        }
    }

    /// Consumes one ``FakeFaults/dropBeforeReadingNext``.
    func takeDropBeforeReading() -> Bool {
        state.withLock { state in
            guard state.faults.dropBeforeReadingNext > 0 else { return false }
            state.faults.dropBeforeReadingNext -= 1
            state.droppedBeforeReading += 1
            return true
        }
    }

    /// What a fault check decided for one request.
    private enum FaultDecision {
        case proceed(dropAfter: Bool, delay: Duration)
        case answer(HTTPResponseMessage, delay: Duration)
    }

    func handle(_ request: HTTPRequestMessage) async -> HTTPReply {
        let query = Dictionary(FormEncoding.decode(request.query), uniquingKeysWith: { _, last in last })
        let operation: String
        var parameters = query
        if request.path.hasPrefix("/link/") && request.path.hasSuffix("/callTool") {
            operation = "callTool.link"
        } else if request.path == "/callTool" {
            operation = "callTool.vpc"
        } else {
            // The gateway merges query and form parameters; the form wins on a clash.
            let form = FormEncoding.decode(String(decoding: request.body, as: UTF8.self))
            for (key, value) in form { parameters[key] = value }
            operation = parameters["Action"] ?? request.headers["x-acs-action"] ?? ""
        }
        let decision = state.withLock { state -> FaultDecision in
            state.reap()
            state.requestCounts[operation, default: 0] += 1
            state.lastRequests[operation] = RecordedRequest(
                parameters: parameters, query: query, headers: request.headers)
            return decideFaults(&state, operation: operation)
        }
        switch decision {
        case .answer(let response, let delay):
            if delay > .zero { try? await Task.sleep(for: delay) }
            return .respond(response)
        case .proceed(let dropAfter, let delay):
            let response: HTTPResponseMessage
            switch operation {
            case "callTool.link": response = await linkRoute(request)
            case "callTool.vpc": response = await vpcRoute(query)
            default: response = await pop(operation, parameters)
            }
            if delay > .zero { try? await Task.sleep(for: delay) }
            return dropAfter ? .drop : .respond(response)
        }
    }

    private func decideFaults(_ state: inout FakeState, operation: String) -> FaultDecision {
        let faults = state.faults
        guard faults.applies(to: operation) else { return .proceed(dropAfter: false, delay: .zero) }
        if state.faults.dropAfterReadingNext > 0 {
            state.faults.dropAfterReadingNext -= 1
            return .proceed(dropAfter: true, delay: faults.delay)
        }
        if state.faults.serverErrorsNext > 0 || state.generator.chance(faults.serverErrorRate) {
            state.faults.serverErrorsNext = max(0, state.faults.serverErrorsNext - 1)
            let code = faults.serverErrorStatus == 503 ? "ServiceUnavailable" : "InternalError"
            return .answer(
                errorResponse(&state, status: faults.serverErrorStatus, code: code,
                    message: "The request has failed due to a temporary failure of the server.", forceHTTP: true),
                delay: faults.delay)
        }
        if state.faults.throttleNext > 0 || state.generator.chance(faults.throttleRate) {
            state.faults.throttleNext = max(0, state.faults.throttleNext - 1)
            return .answer(
                errorResponse(&state, status: faults.throttleStatus, code: "Throttling.User",
                    message: "Request was denied due to user flow control.", forceHTTP: true),
                delay: faults.delay)
        }
        return .proceed(dropAfter: false, delay: faults.delay)
    }

    // MARK: Envelope

    /// `{"RequestId","Success":true,"Code":"","Message":"","HttpStatusCode":200, …extra}`.
    func success(_ extra: [String: Value]) -> HTTPResponseMessage {
        let requestId = state.withLock { $0.nextRequestId() }
        var body: [String: Value] = [
            "RequestId": .string(requestId), "Success": true, "Code": "", "Message": "", "HttpStatusCode": 200,
        ]
        for (key, value) in extra { body[key] = value }
        return .json(200, WireJSON.text(.object(body)))
    }

    /// An error in the configured style. Faults that stand for gateway failures (`forceHTTP`) are always HTTP errors.
    func errorResponse(
        _ state: inout FakeState, status: Int, code: String, message: String, forceHTTP: Bool = false
    ) -> HTTPResponseMessage {
        let requestId = state.nextRequestId()
        let asHTTP = forceHTTP || state.options.errorStyle == .httpStatus
        let httpStatus = asHTTP ? status : 200
        let lower = state.options.lowercaseErrorKeys && asHTTP
        let body: [String: Value] = [
            lower ? "requestId" : "RequestId": .string(requestId), lower ? "success" : "Success": false,
            lower ? "code" : "Code": .string(code), lower ? "message" : "Message": .string(message),
            lower ? "httpStatusCode" : "HttpStatusCode": .int(httpStatus),
        ]
        return .json(httpStatus, WireJSON.text(.object(body)))
    }

    func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponseMessage {
        state.withLock { errorResponse(&$0, status: status, code: code, message: message) }
    }

    func sessionNotFound(_ id: String?) -> HTTPResponseMessage {
        error(400, "InvalidMcpSession.NotFound", "Session not found" + (id.map { ": \($0)" } ?? ""))
    }

    // MARK: Tool execution

    /// Runs a tool and counts the run under its name and argument text.
    func execute(_ name: String, _ arguments: [String: Value]) async -> ToolResult {
        let key = FakeState.ExecutionKey(tool: name, arguments: WireJSON.text(.object(arguments)))
        state.withLock { $0.executions[key, default: 0] += 1 }
        return await executor.call(name, arguments)
    }

    /// The tool list JSON as `ToolList`/ListMcpTools `Data` carry it, honouring the key-spelling option.
    func toolListValue() async -> Value {
        let tools = await executor.tools()
        let options = state.withLock { $0.options }
        var text = ToolListParsing.json(tools)
        if options.capitalizedToolKeys {
            text = text.replacingOccurrences(of: "\"name\":", with: "\"Name\":")
                .replacingOccurrences(of: "\"server\":", with: "\"Server\":")
        }
        if options.structuredData, let parsed = try? WireJSON.parse(text, what: "tool list") { return parsed }
        return .string(text)
    }
}
