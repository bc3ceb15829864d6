import BayshCore
import Foundation
import MCP

/// The POP actions and the two direct tool routes.
extension FakeBackend {
    func pop(_ action: String, _ parameters: [String: String]) async -> HTTPResponseMessage {
        guard parameters["Authorization"] == "Bearer \(apiKey)" else {
            return error(403, "InvalidApiKey", "The API key in the Authorization field is missing or invalid.")
        }
        guard parameters["Version"] == AgentBayClient.apiVersion else {
            return error(400, "InvalidVersion", "Specified parameter Version is not valid.")
        }
        if let flag = parameters["AutoGenSession"], !["true", "false", "True", "False"].contains(flag) {
            return error(400, "InvalidParameter.AutoGenSession", "AutoGenSession must be a boolean.")
        }
        let sessionId = parameters["SessionId"]
        switch action {
        case "CreateMcpSession": return await create(parameters)
        case "GetSession": return await getSession(sessionId)
        case "GetSessionDetail": return getSessionDetail(sessionId)
        case "DeleteSessionAsync":
            guard state.withLock({ $0.options.supportsDeleteSessionAsync }) else { return unknownAction(action) }
            return deleteSession(sessionId, immediately: false)
        case "ReleaseMcpSession": return deleteSession(sessionId, immediately: true)
        case "ListSession": return listSessions(parameters)
        case "ListMcpTools": return success(["Data": await toolListValue()])
        case "CallMcpTool": return await callMcpTool(parameters)
        case "GetLabel": return getLabels(sessionId)
        case "SetLabel": return setLabels(sessionId, parameters["Labels"])
        case "GetLink": return getLink(sessionId, parameters)
        case "GetMcpResource": return getResource(sessionId)
        case "SyncContext": return withRunningSession(sessionId) { _ in self.success([:]) }
        case "GetContextInfo": return contextInfo(sessionId)
        case "RefreshSessionIdleTime", "PauseSessionAsync", "ResumeSessionAsync":
            return lifecycleAction(action, sessionId)
        default: return unknownAction(action)
        }
    }

    func unknownAction(_ action: String) -> HTTPResponseMessage {
        error(404, "InvalidAction.NotFound", "Specified api \(action) is not found, please check your url and method.")
    }

    /// Runs `body` on a session that exists and is not being deleted; otherwise answers not-found (or, for a
    /// paused one, a status error).
    private func withRunningSession(
        _ id: String?, _ body: (inout FakeSession) -> HTTPResponseMessage
    ) -> HTTPResponseMessage {
        if let refusal = refuseUnlessRunning(id) { return refusal }
        guard let id, var session = state.withLock({ $0.sessions[id] }) else { return sessionNotFound(id) }
        let response = body(&session)
        state.withLock { state in
            if state.sessions[id] != nil { state.sessions[id] = session }
        }
        return response
    }

    private func create(_ parameters: [String: String]) async -> HTTPResponseMessage {
        var labels: [String: String] = [:]
        if let text = parameters["Labels"] {
            guard case .object(let object)? = try? WireJSON.parse(text, what: "Labels") else {
                return error(400, "InvalidParameter.Labels", "Labels must be a JSON object of strings.")
            }
            labels = object.compactMapValues(WireValue.string)
        }
        let imageId = parameters["ImageId"].flatMap { $0.isEmpty ? nil : $0 } ?? "linux_latest"
        var idleTimeout: Duration?
        var maxRuntime: Duration?
        for (name, unit) in [("Timeout", 1), ("MaxRuntime", 60)] {
            guard let text = parameters[name] else { continue }
            guard let value = Int(text), value > 0 else {
                return error(400, "InvalidParameter.\(name)", "\(name) must be a positive integer.")
            }
            if name == "Timeout" { idleTimeout = .seconds(value * unit) } else { maxRuntime = .seconds(value * unit) }
        }
        var session: FakeSession, options: FakeOptions, port: Int
        switch admitSession(imageId: imageId, labels: labels) {
        case .failure(let refusal): return refusal.response
        case .success(let admitted): (session, options, port) = admitted
        }
        session = state.withLock { state in
            if let idleTimeout { state.sessions[session.id]?.idleTimeout = idleTimeout }
            state.sessions[session.id]?.maxRuntime = maxRuntime
            return state.sessions[session.id] ?? session
        }
        await bootNewSession()
        var data = sessionData(session, options: options, port: port)
        data["ToolList"] = await toolListValue()
        data["Success"] = true
        data["ErrMsg"] = ""
        if options.offerLinkRoute {
            data["LinkUrl"] = .string("http://127.0.0.1:\(port)/link/\(session.id)")
        }
        return success(["Data": .object(data)])
    }

    /// The fields CreateMcpSession and GetSession share.
    private func sessionData(_ session: FakeSession, options: FakeOptions, port: Int) -> [String: Value] {
        var data: [String: Value] = [
            "SessionId": .string(session.id), "ResourceUrl": .string("https://example.invalid/resource/\(session.id)"),
            "AppInstanceId": "ai-fake", "ResourceId": "p-fake", "VpcResource": .bool(session.vpc),
            "Token": .string(options.offerLinkRoute || session.vpc ? session.token : ""),
        ]
        if session.vpc {
            data["NetworkInterfaceIp"] = "127.0.0.1"
            data["HttpPort"] = .string(String(port))
        }
        return data
    }

    private func getSession(_ id: String?) async -> HTTPResponseMessage {
        let found = state.withLock { state in
            id.flatMap { id in
                state.advanceTransition(id)
                return state.sessions[id]
            }.map { ($0, state.options, state.port) }
        }
        guard let (session, options, port) = found else { return sessionNotFound(id) }
        var data = sessionData(session, options: options, port: port)
        data["Status"] = .string(session.status)
        data["Success"] = true
        data["ToolList"] = await toolListValue()
        data["contexts"] = .array([])
        return success(["Data": .object(data)])
    }

    /// Shows `DELETING` for the configured number of polls, then `FINISH` once (or nothing), then not found.
    private func getSessionDetail(_ id: String?) -> HTTPResponseMessage {
        let status: String? = state.withLock { state in
            guard let id else { return nil }
            state.advanceTransition(id)
            guard var session = state.sessions[id] else { return nil }
            let shown = session.status
            switch session.status {
            case "DELETING":
                if session.deletingPollsLeft > 1 {
                    session.deletingPollsLeft -= 1
                } else if state.options.deleteEndsWithFinish {
                    session.status = "FINISH"
                } else {
                    state.sessions[id] = nil
                    return shown
                }
                state.sessions[id] = session
            case "FINISH":
                state.sessions[id] = nil
            default:
                break
            }
            return shown
        }
        guard let status, let id else { return sessionNotFound(id) }
        let imageId = state.withLock { $0.sessions[id]?.imageId } ?? "linux_latest"
        return success([
            "Data": [
                "Status": .string(status), "ImageId": .string(imageId), "SessionId": .string(id), "BizType": 1,
                "IsDeleted": 0, "RegionId": "cn-shanghai",
            ]
        ])
    }

    private func deleteSession(_ id: String?, immediately: Bool) -> HTTPResponseMessage {
        let found = state.withLock { state -> Bool in
            guard let id, var session = state.sessions[id], !["DELETING", "FINISH"].contains(session.status) else {
                return false
            }
            if immediately || state.options.deletingPolls <= 0 && !state.options.deleteEndsWithFinish {
                state.sessions[id] = nil
            } else {
                session.status = state.options.deletingPolls > 0 ? "DELETING" : "FINISH"
                session.deletingPollsLeft = state.options.deletingPolls
                state.sessions[id] = session
            }
            return true
        }
        if found { countDeleted() }
        return found ? success([:]) : sessionNotFound(id)
    }

    /// Label filter (every given pair must match), optional Status filter, `NextToken` = offset of the next page.
    private func listSessions(_ parameters: [String: String]) -> HTTPResponseMessage {
        var filter: [String: String] = [:]
        if let text = parameters["Labels"], !text.isEmpty {
            guard case .object(let object)? = try? WireJSON.parse(text, what: "Labels") else {
                return error(400, "InvalidParameter.Labels", "Labels must be a JSON object of strings.")
            }
            filter = object.compactMapValues(WireValue.string)
        }
        let maxResults = parameters["MaxResults"].flatMap(Int.init) ?? 10
        guard maxResults > 0 else { return error(400, "InvalidParameter.MaxResults", "MaxResults must be positive.") }
        var offset = 0
        if let token = parameters["NextToken"], !token.isEmpty {
            guard token.hasPrefix("page-"), let value = Int(token.dropFirst(5)) else {
                return error(400, "InvalidParameter.NextToken", "The NextToken is not valid.")
            }
            offset = value
        }
        let matching = state.withLock { state in
            state.sessions.values.filter { session in
                session.status != "FINISH" && filter.allSatisfy { session.labels[$0.key] == $0.value }
                    && (parameters["Status"].map { $0 == session.status } ?? true)
            }.sorted { $0.order < $1.order }
        }
        let page = matching.dropFirst(offset).prefix(maxResults)
        let next = offset + page.count < matching.count ? "page-\(offset + page.count)" : ""
        return success([
            "Data": .array(page.map { ["SessionId": .string($0.id), "SessionStatus": .string($0.status)] }),
            "NextToken": .string(next), "MaxResults": .int(maxResults), "TotalCount": .int(matching.count),
        ])
    }

    private func callMcpTool(_ parameters: [String: String]) async -> HTTPResponseMessage {
        let id = parameters["SessionId"]
        if let refusal = refuseUnlessRunning(id) { return refusal }
        touch(id)
        guard let name = parameters["Name"], !name.isEmpty else {
            return error(400, "MissingParameter.Name", "The tool Name is required.")
        }
        var arguments: [String: Value] = [:]
        if let text = parameters["Args"], !text.isEmpty {
            guard case .object(let object)? = try? WireJSON.parse(text, what: "Args") else {
                return error(400, "InvalidParameter.Args", "Args must be a JSON object.")
            }
            arguments = object
        }
        let tools = await executor.tools()
        if let server = parameters["Server"], !server.isEmpty,
            let tool = tools.first(where: { $0.name == name }), tool.server != server
        {
            return error(400, "InvalidParameter.Server", "Tool \(name) is not provided by server \(server).")
        }
        let result = CallToolResultParsing.json(await execute(name, arguments))
        let structured = state.withLock { $0.options.structuredData }
        return success(["Data": structured ? result : .string(WireJSON.text(result))])
    }

    private func getLabels(_ id: String?) -> HTTPResponseMessage {
        guard let labels = state.withLock({ state in id.flatMap { state.sessions[$0] }?.labels }) else {
            return sessionNotFound(id)
        }
        return success([
            "Data": ["Labels": .string(WireJSON.text(.object(labels.mapValues(Value.string))))], "MaxResults": 10,
            "NextToken": "", "TotalCount": .int(labels.count),
        ])
    }

    private func setLabels(_ id: String?, _ text: String?) -> HTTPResponseMessage {
        guard let text, case .object(let object)? = try? WireJSON.parse(text, what: "Labels"), !object.isEmpty else {
            return error(400, "InvalidParameter.Labels", "Labels must be a non-empty JSON object of strings.")
        }
        return withRunningSession(id) { session in
            session.labels = object.compactMapValues(WireValue.string)
            return self.success([:])
        }
    }

    private func getLink(_ id: String?, _ parameters: [String: String]) -> HTTPResponseMessage {
        var port: Int?
        if let text = parameters["Port"] {
            guard let value = Int(text), (30100...30199).contains(value) else {
                return error(400, "InvalidParameter.Port", "Port must be an integer from 30100 to 30199.")
            }
            port = value
        }
        let structured = state.withLock { $0.options.structuredData }
        return withRunningSession(id) { session in
            let scheme = parameters["ProtocolType"] ?? "wss"
            let url = "\(scheme)://example.invalid/\(session.id)" + (port.map { "/p\($0)/" } ?? "/cdp")
            let data: Value = ["Url": .string(url)]
            return self.success(["Data": structured ? data : .string(WireJSON.text(data))])
        }
    }

    private func getResource(_ id: String?) -> HTTPResponseMessage {
        withRunningSession(id) { session in
            self.success([
                "Data": [
                    "SessionId": .string(session.id),
                    "ResourceUrl": .string("https://example.invalid/resource/\(session.id)"),
                    "DesktopInfo": [
                        "AppId": "app-fake", "AuthCode": .string("auth-" + session.token),
                        "ConnectionProperties": "", "ResourceId": "p-fake", "ResourceType": "AIAgent",
                        "Ticket": .string("ticket-" + session.token),
                    ],
                ]
            ])
        }
    }

    /// One upload item: `Running` on the first poll, `Success` after.
    private func contextInfo(_ id: String?) -> HTTPResponseMessage {
        withRunningSession(id) { session in
            session.contextPolls += 1
            let item: Value = [
                "contextId": "ctx-fake", "path": "/home/wuying", "taskType": "upload",
                "status": .string(session.contextPolls > 1 ? "Success" : "Running"), "errorMessage": "",
            ]
            let groups: Value = [["type": "data", "data": .string(WireJSON.text([item]))]]
            return self.success(["Data": ["ContextStatus": .string(WireJSON.text(groups))]])
        }
    }

    // MARK: Direct routes

    /// `POST /link/<session>/callTool` with `X-Access-Token`; answers `{"data": "<JSON of {result}>"}`.
    func linkRoute(_ request: HTTPRequestMessage) async -> HTTPResponseMessage {
        let id = String(request.path.dropFirst("/link/".count).dropLast("/callTool".count))
        let token = state.withLock { $0.sessions[id].flatMap { $0.status == "RUNNING" ? $0.token : nil } }
        guard let token else { return .json(404, #"{"error":"session not found"}"#) }
        touch(id)
        guard request.headers["x-access-token"] == token else { return .json(401, #"{"error":"bad access token"}"#) }
        guard case .object(let body)? = try? WireJSON.parse(request.body, what: "callTool body"),
            let tool = body["tool"].flatMap(WireValue.string)
        else { return .json(400, #"{"error":"bad request body"}"#) }
        var arguments: [String: Value] = [:]
        if case .object(let object)? = body["args"] { arguments = object }
        let result = CallToolResultParsing.json(await execute(tool, arguments))
        return .json(200, WireJSON.text(["data": .string(WireJSON.text(["result": result]))]))
    }

    /// `GET /callTool?server&tool&args&token&requestId`; answers the CallToolResult at top level.
    func vpcRoute(_ query: [String: String]) async -> HTTPResponseMessage {
        let known = state.withLock { state in
            state.sessions.values.first { $0.vpc && $0.status == "RUNNING" && $0.token == query["token"] }?.id
        }
        guard let known else { return .json(401, #"{"error":"bad token"}"#) }
        touch(known)
        guard let tool = query["tool"], !tool.isEmpty else { return .json(400, #"{"error":"no tool"}"#) }
        var arguments: [String: Value] = [:]
        if let text = query["args"], case .object(let object)? = try? WireJSON.parse(text, what: "args") {
            arguments = object
        }
        return .json(200, WireJSON.text(CallToolResultParsing.json(await execute(tool, arguments))))
    }
}
