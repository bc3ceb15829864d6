import Foundation
import MCP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Tool actions and the three routes a tool call can take: the CallMcpTool API action, the session's LinkUrl, and the
/// legacy VPC endpoint on the session's network interface.
extension AgentBayClient {
    /// ListMcpTools for an image (the SDK sends the session's image, else `linux_latest`).
    public func listMcpTools(imageId: String) async throws -> [ToolInfo] {
        let envelope = try await send("ListMcpTools", ["ImageId": imageId])
        return try ToolListParsing.tools(from: envelope.data, what: "the ListMcpTools Data")
    }

    /// CallMcpTool (API route). `server` "" lets the backend resolve the tool by name.
    public func callMcpTool(
        sessionId: String, name: String, arguments: [String: Value], server: String, options: CallOptions = CallOptions()
    ) async throws -> ToolResult {
        let clock = ContinuousClock()
        let start = clock.now
        let envelope = try await send(
            "CallMcpTool",
            [
                "SessionId": sessionId, "Name": name, "Args": WireJSON.text(.object(arguments)), "Server": server,
                "AutoGenSession": "false",
            ], timeouts: timeouts(options))
        let parsed = try CallToolResultParsing.apiData(envelope.data)
        return ToolResult(
            content: parsed.content, isError: parsed.isError, structuredContent: parsed.structuredContent,
            requestId: envelope.requestId, elapsed: clock.now - start)
    }

    /// The LinkUrl route: `POST {linkUrl}/callTool` with `X-Access-Token` and a JSON body.
    public func callToolViaLink(
        linkUrl: String, token: Secret, server: String, name: String, arguments: [String: Value],
        options: CallOptions = CallOptions()
    ) async throws -> ToolResult {
        var base = linkUrl
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + "/callTool") else {
            throw SessionError.protocolViolation("the session's LinkUrl '\(linkUrl)' is not a URL")
        }
        let requestId = "link-\(Self.epochMilliseconds())-\(Self.digits(9))"
        let body = WireJSON.text([
            "args": .object(arguments), "server": .string(server), "requestId": .string(requestId),
            "tool": .string(name), "token": .string(token.revealed),
        ])
        let timeouts = timeouts(options)
        let clock = ContinuousClock()
        let start = clock.now
        let parsed = try await exchange("callTool \(name) via LinkUrl", idempotent: false, timeouts: timeouts) {
            var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData,
                timeoutInterval: timeouts.urlSessionInterval)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(token.revealed, forHTTPHeaderField: "X-Access-Token")
            request.httpBody = Data(body.utf8)
            return request
        } interpret: { data, response in
            try Self.requireSuccess(response, data, route: "LinkUrl")
            return try CallToolResultParsing.linkAnswer(try WireJSON.parse(data, what: "the LinkUrl callTool answer"))
        }
        return ToolResult(
            content: parsed.content, isError: parsed.isError, structuredContent: parsed.structuredContent,
            requestId: requestId, elapsed: clock.now - start)
    }

    /// The legacy VPC route: `GET http://{ip}:{port}/callTool?server=…&tool=…&args=…&token=…&requestId=vpc-…`.
    public func callToolViaVPC(
        _ vpc: VPCInfo, server: String, name: String, arguments: [String: Value], options: CallOptions = CallOptions()
    ) async throws -> ToolResult {
        guard let ip = vpc.networkInterfaceIP, let port = vpc.httpPort else {
            throw SessionError.configuration(
                "VPC network configuration incomplete: the session has no network interface IP or HTTP port")
        }
        let requestId = "vpc-\(Self.epochMilliseconds())-\(Self.lowercaseAlphanumerics(9))"
        let query = FormEncoding.encode([
            ("server", server), ("tool", name), ("args", WireJSON.text(.object(arguments))),
            ("token", vpc.token?.revealed ?? ""), ("requestId", requestId),
        ])
        guard let url = URL(string: "http://\(ip):\(port)/callTool?\(query)") else {
            throw SessionError.protocolViolation("the session's VPC address \(ip):\(port) does not make a URL")
        }
        let timeouts = timeouts(options)
        let clock = ContinuousClock()
        let start = clock.now
        let parsed = try await exchange("callTool \(name) via VPC", idempotent: false, timeouts: timeouts) {
            var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData,
                timeoutInterval: timeouts.urlSessionInterval)
            request.httpMethod = "GET"
            // A GET has no body, so libcurl's silent re-send on a dead reused connection would run the tool twice.
            request.setValue("close", forHTTPHeaderField: "Connection")
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            return request
        } interpret: { data, response in
            try Self.requireSuccess(response, data, route: "VPC")
            return CallToolResultParsing.result(try WireJSON.parse(data, what: "the VPC callTool answer"))
        }
        return ToolResult(
            content: parsed.content, isError: parsed.isError, structuredContent: parsed.structuredContent,
            requestId: requestId, elapsed: clock.now - start)
    }

    private static func requireSuccess(_ response: HTTPURLResponse, _ data: Data, route: String) throws {
        guard (200..<300).contains(response.statusCode) else {
            let text = Redactor.shared.redact(String(decoding: data.prefix(200), as: UTF8.self))
            throw SessionError.api(
                code: "HTTP\(response.statusCode)",
                message: "the \(route) callTool request failed" + (text.isEmpty ? "" : ": \(text)"), requestId: nil,
                httpStatus: response.statusCode)
        }
    }

    private static func epochMilliseconds() -> Int64 { Int64(Date.now.timeIntervalSince1970 * 1000) }

    private static func digits(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789".randomElement()! })
    }

    private static func lowercaseAlphanumerics(_ count: Int) -> String {
        String((0..<count).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
    }
}
