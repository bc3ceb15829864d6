import Foundation
import MCP

/// Session lifecycle actions: CreateMcpSession, GetSession, GetSessionDetail, DeleteSessionAsync (ReleaseMcpSession
/// where the API lacks it), SyncContext/GetContextInfo, ListSession.
extension AgentBayClient {
    /// CreateMcpSession. `imageId` nil lets the server choose (`linux_latest`). `idleTimeout` is sent as `Timeout`
    /// in whole seconds (rounded up) and `maxRuntime` as `MaxRuntime` in whole minutes (rounded up); nil leaves the
    /// server's defaults.
    public func createSession(
        imageId: String?, labels: [String: String], idleTimeout: Duration? = nil, maxRuntime: Duration? = nil
    ) async throws -> AgentBaySessionFacts {
        var parameters: [String: String] = [
            "SdkStats": WireJSON.text([
                "source": "sdk", "sdk_language": "swift", "sdk_version": .string(BayshVersion.current),
                "is_release": true, "framework": "baysh",
            ])
        ]
        if let imageId, !imageId.isEmpty { parameters["ImageId"] = imageId }
        if !labels.isEmpty { parameters["Labels"] = WireJSON.text(.object(labels.mapValues(Value.string))) }
        if let region = configuration.regionId { parameters["LoginRegionId"] = region }
        if let idleTimeout { parameters["Timeout"] = String(Int(idleTimeout.inSeconds.rounded(.up))) }
        if let maxRuntime { parameters["MaxRuntime"] = String(Int((maxRuntime.inSeconds / 60).rounded(.up))) }
        let envelope = try await send("CreateMcpSession", parameters)
        let data = try envelope.dataObject(action: "CreateMcpSession")
        if data["Success"].flatMap(WireValue.bool) == false {
            throw SessionError.api(
                code: "CreateMcpSession.Failed",
                message: AgentBayEnvelope.string(data, "ErrMsg") ?? "the session could not be created",
                requestId: envelope.requestId, httpStatus: envelope.httpStatus)
        }
        return try AgentBaySessionFacts(data: data, requestId: envelope.requestId, action: "CreateMcpSession")
    }

    /// GetSession: what `--session-id` attaches to. Unknown id → ``SessionError/notFound(_:)``.
    public func getSession(_ sessionId: String) async throws -> AgentBaySessionFacts {
        let envelope = try await notFoundAsTyped(sessionId) { try await send("GetSession", ["SessionId": sessionId]) }
        return try AgentBaySessionFacts(
            data: try envelope.dataObject(action: "GetSession"), requestId: envelope.requestId, action: "GetSession")
    }

    /// GetSessionDetail's `Status` (`RUNNING`, `DELETING`, `FINISH`, …). `SessionId` goes in the query string.
    public func sessionStatus(_ sessionId: String) async throws -> String {
        let envelope = try await notFoundAsTyped(sessionId) {
            try await send("GetSessionDetail", [:], query: ["SessionId": sessionId])
        }
        let data = try envelope.dataObject(action: "GetSessionDetail")
        return AgentBayEnvelope.string(data, "Status") ?? "UNKNOWN"
    }

    /// Deletes a session the SDK's way: optional context sync, DeleteSessionAsync, then GetSessionDetail polls until
    /// `FINISH`/`DELETED` or not-found. Falls back to ReleaseMcpSession (immediate) where DeleteSessionAsync is an
    /// unknown action. Returns the delete request's id.
    @discardableResult
    public func deleteSession(
        _ sessionId: String, syncContext: Bool = false, polling: AgentBayDeletePolling = .standard
    ) async throws -> String? {
        if syncContext { await syncContexts(sessionId, polling: polling) }
        let envelope: AgentBayEnvelope
        do {
            envelope = try await notFoundAsTyped(sessionId) {
                try await send("DeleteSessionAsync", ["SessionId": sessionId])
            }
        } catch SessionError.api(let code, _, _, let status) where Self.isUnknownAction(code: code, httpStatus: status) {
            logger.debug("DeleteSessionAsync unknown here; using ReleaseMcpSession", metadata: ["code": .string(code)])
            let released = try await notFoundAsTyped(sessionId) {
                try await send("ReleaseMcpSession", ["SessionId": sessionId])
            }
            return released.requestId
        }
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            do {
                let status = try await sessionStatus(sessionId)
                if status == "FINISH" || status == "DELETED" { return envelope.requestId }
            } catch SessionError.notFound {
                return envelope.requestId
            } catch SessionError.cancelled(let operation) {
                throw SessionError.cancelled(operation: operation)
            } catch {
                // The SDK keeps polling through other errors; the deadline still bounds the wait.
                logger.debug("delete poll failed", metadata: ["error": .string(Redactor.shared.redact("\(error)"))])
            }
            if clock.now - start >= polling.timeout {
                throw SessionError.timedOut(operation: "waiting for session \(sessionId) to be deleted", after: polling.timeout)
            }
            do { try await Task.sleep(for: polling.interval) } catch {
                throw SessionError.cancelled(operation: "delete session \(sessionId)")
            }
        }
    }

    /// SyncContext (`Authorization` in the query), then GetContextInfo until every upload/download item is done.
    /// Failures are only logged, as in the SDK: a failed sync must not keep the session alive.
    func syncContexts(_ sessionId: String, polling: AgentBayDeletePolling) async {
        do {
            _ = try await send("SyncContext", ["SessionId": sessionId, "Mode": "upload"], authorizationInQuery: true)
            for _ in 0..<polling.contextPolls {
                let envelope = try await send("GetContextInfo", ["SessionId": sessionId])
                if try Self.contextsSettled(envelope) { return }
                try await Task.sleep(for: polling.contextInterval)
            }
            logger.warning("context sync did not finish before the session was deleted")
        } catch {
            logger.warning("context sync failed", metadata: ["error": .string(Redactor.shared.redact("\(error)"))])
        }
    }

    /// GetContextInfo `Data.ContextStatus`: a JSON string of `[{"type":"data","data":"<JSON string of items>"}]`.
    static func contextsSettled(_ envelope: AgentBayEnvelope) throws -> Bool {
        let data = try envelope.dataObject(action: "GetContextInfo")
        guard let text = AgentBayEnvelope.string(data, "ContextStatus"), !text.isEmpty else { return true }
        guard case .array(let groups) = try WireJSON.parse(text, what: "ContextStatus") else { return true }
        for group in groups {
            guard case .object(let object) = group, let inner = object["data"].flatMap(WireValue.string),
                case .array(let items) = try WireJSON.parse(inner, what: "ContextStatus data")
            else { continue }
            for case .object(let item) in items {
                let task = item["taskType"].flatMap(WireValue.string)
                let status = item["status"].flatMap(WireValue.string)
                if task == "upload" || task == "download", status != "Success", status != "Failed" { return false }
            }
        }
        return true
    }

    /// One page of ListSession; `labels` must all match.
    public func listSessions(
        labels: [String: String], maxResults: Int = 100, nextToken: String? = nil
    ) async throws -> AgentBaySessionPage {
        var parameters = [
            "Labels": WireJSON.text(.object(labels.mapValues(Value.string))), "MaxResults": String(maxResults),
        ]
        if let nextToken, !nextToken.isEmpty { parameters["NextToken"] = nextToken }
        let envelope = try await send("ListSession", parameters)
        var items: [Value] = []
        switch envelope.data {
        case .array(let array): items = array
        case .string(let text) where !text.isEmpty:
            if case .array(let array) = try WireJSON.parse(text, what: "the ListSession Data") { items = array }
        default: break
        }
        let sessions = items.compactMap { item -> AgentBaySessionSummary? in
            guard case .object(let object) = item, let id = AgentBayEnvelope.string(object, "SessionId") else {
                return nil
            }
            return AgentBaySessionSummary(id: id, status: AgentBayEnvelope.string(object, "SessionStatus") ?? "UNKNOWN")
        }
        return AgentBaySessionPage(
            sessions: sessions, nextToken: envelope.nextToken.flatMap { $0.isEmpty ? nil : $0 },
            totalCount: envelope.totalCount)
    }

    /// Every session matching `labels`, following NextToken to the last page.
    public func allSessions(labels: [String: String]) async throws -> [AgentBaySessionSummary] {
        var all: [AgentBaySessionSummary] = []
        var token: String?
        var seen: Set<String> = []
        repeat {
            let page = try await listSessions(labels: labels, nextToken: token)
            all += page.sessions
            token = page.nextToken
            if let token, !seen.insert(token).inserted {
                throw SessionError.protocolViolation("ListSession returned the NextToken '\(token)' twice")
            }
        } while token != nil
        return all
    }

    /// Runs `body`, turning the API's not-found answer for this session into ``SessionError/notFound(_:)``.
    func notFoundAsTyped<T>(_ sessionId: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch SessionError.api(let code, let message, let requestId, _)
            where Self.isSessionNotFound(code: code, message: message)
        {
            throw SessionError.notFound(
                "AgentBay session \(sessionId) not found ([\(code)] \(message)"
                    + (requestId.map { ", request id \($0)" } ?? "")
                    + "); `baysh sessions` lists the live ones")
        }
    }

    /// The API's answer for a session it does not know (`InvalidMcpSession.NotFound`, "Session not found").
    static func isSessionNotFound(code: String, message: String) -> Bool {
        code.contains("NotFound") && !code.hasPrefix("InvalidAction") || message.lowercased().contains("session not found")
    }

    /// The gateway's answer for an action it does not know (`InvalidAction.NotFound`, HTTP 404).
    static func isUnknownAction(code: String, httpStatus: Int?) -> Bool {
        code.hasPrefix("InvalidAction") || code == "UnsupportedOperation" || (httpStatus == 404 && !code.contains("Session"))
    }
}
