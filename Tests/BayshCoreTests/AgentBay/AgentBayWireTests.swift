import Foundation
import MCP
import Testing

@testable import BayshCore

@Suite struct AgentBayWireTests {
    @Test func wireJSONKeepsDataLikeStringsAndRoundTrips() throws {
        let text = #"{"a":"data:text/plain;base64,SGk=","b":[1,2.5,true,null,"\u00e9\ud83d\ude00"],"c":{"d":-3}}"#
        let value = try WireJSON.parse(text, what: "test")
        #expect(value.objectValue?["a"] == .string("data:text/plain;base64,SGk="))
        #expect(value.objectValue?["b"] == [1, 2.5, true, nil, "é😀"])
        #expect(try WireJSON.parse(WireJSON.text(value), what: "again") == value)
        #expect(WireJSON.text(["q": "a\"b\\c\n\u{01}"]) == #"{"q":"a\"b\\c\n\u0001"}"#)
        #expect(throws: SessionError.self) { try WireJSON.parse("{\"a\":", what: "broken") }
        #expect(throws: SessionError.self) { try WireJSON.parse("[1] x", what: "trailing") }
    }

    @Test func formEncodingMatchesPythonUrlencode() {
        let encoded = FormEncoding.encode([("Args", #"{"command": "ls"}"#), ("Authorization", "Bearer akm-1")])
        #expect(encoded == "Args=%7B%22command%22%3A+%22ls%22%7D&Authorization=Bearer+akm-1")
        let decoded = FormEncoding.decode(encoded + "&X=a%20b&Y")
        #expect(decoded.map(\.0) == ["Args", "Authorization", "X", "Y"])
        #expect(decoded[0].1 == #"{"command": "ls"}"#)
        #expect(decoded[2].1 == "a b")
    }

    @Test func httpErrorWithLowercaseKeysBecomesAPIError() {
        let body = Data(#"{"code":"Throttling.User","message":"slow down","requestId":"R-1"}"#.utf8)
        #expect(throws: SessionError.api(code: "Throttling.User", message: "slow down", requestId: "R-1", httpStatus: 400)) {
            try AgentBayEnvelope.parse(data: body, httpStatus: 400, action: "GetLabel")
        }
    }

    @Test func successFalseWithCodeBecomesAPIError() {
        let body = Data(#"{"RequestId":"R2","Success":false,"Code":"InvalidMcpSession.NotFound","Message":"gone"}"#.utf8)
        #expect(throws: SessionError.api(code: "InvalidMcpSession.NotFound", message: "gone", requestId: "R2", httpStatus: 200)) {
            try AgentBayEnvelope.parse(data: body, httpStatus: 200, action: "GetSession")
        }
    }

    @Test func nonJSONErrorBodyStillGivesTheStatus() {
        #expect(throws: SessionError.api(code: "HTTP502", message: "<html>bad gateway</html>", requestId: nil, httpStatus: 502)) {
            try AgentBayEnvelope.parse(data: Data("<html>bad gateway</html>".utf8), httpStatus: 502, action: "GetLink")
        }
    }

    @Test(arguments: [("true", true), ("True", true), ("false", false), ("False", false), ("1", true)])
    func bothBooleanSpellings(text: String, expected: Bool) {
        #expect(WireValue.bool(.string(text)) == expected)
    }

    @Test func callToolDataAsStringObjectRawTextAndNestedResult() throws {
        let asString = try CallToolResultParsing.apiData(
            .string(#"{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"isError":true}"#))
        #expect(asString.content == [.text("a"), .text("b")])
        #expect(asString.isError)
        let asObject = try CallToolResultParsing.apiData(
            ["content": [["type": "image", "data": "AAAA", "mimeType": "image/png"], "bare"], "isError": "False"])
        #expect(asObject.content == [.image(base64: "AAAA", mimeType: "image/png"), .text("bare")])
        #expect(!asObject.isError)
        #expect(try CallToolResultParsing.apiData(.string("plain output")).content == [.text("plain output")])
        let nested = try CallToolResultParsing.apiData(["result": ["content": [["blob": "b64"]], "isError": false]])
        #expect(nested.content == [.text("b64")])
        #expect(throws: SessionError.self) { try CallToolResultParsing.apiData(.string("")) }
        #expect(throws: SessionError.self) { try CallToolResultParsing.apiData(nil) }
    }

    @Test func everyContentKindRoundTrips() {
        let items: [ContentItem] = [
            .text("t"), .image(base64: "i", mimeType: "image/png"), .audio(base64: "a", mimeType: "audio/wav"),
            .resource(uri: "file:///x", mimeType: "text/plain", text: "x", blobBase64: nil),
            .resourceLink(uri: "file:///y", name: "y", mimeType: nil),
        ]
        #expect(items.map { CallToolResultParsing.item(CallToolResultParsing.json($0)) } == items)
    }

    @Test func linkAnswerShapes() throws {
        let inner = #"{"result":{"content":[{"type":"text","text":"ok"}],"isError":false}}"#
        #expect(try CallToolResultParsing.linkAnswer(["data": .string(inner)]).content == [.text("ok")])
        #expect(throws: SessionError.self) { try CallToolResultParsing.linkAnswer(["nodata": 1]) }
        #expect(throws: SessionError.self) { try CallToolResultParsing.linkAnswer(["data": "{\"x\":1}"]) }
    }

    @Test func toolListVariants() throws {
        let text = #"[{"Name":"shell","Server":"wuying_shell","description":"run","inputSchema":{"type":"object"}},"#
            + #"{"name":"read_file","serverName":"wuying_filesystem"},{"description":"nameless"}]"#
        let tools = try ToolListParsing.tools(from: .string(text), what: "ToolList")
        #expect(tools.map(\.name) == ["shell", "read_file"])
        #expect(tools.map(\.server) == ["wuying_shell", "wuying_filesystem"])
        #expect(tools[0].description == "run")
        let fromArray = try ToolListParsing.tools(
            from: [["name": "x", "server": "", "annotations": ["readOnlyHint": true]]], what: "array")
        #expect(fromArray[0].server == nil)
        #expect(fromArray[0].annotations.readOnlyHint == true)
        #expect(try ToolListParsing.tools(from: .string(""), what: "empty").isEmpty)
        #expect(throws: SessionError.self) { try ToolListParsing.tools(from: .string("{}"), what: "object") }
    }

    @Test func retryDelaysGrowWithJitterAndStayCapped() {
        let policy = AgentBayRetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(800))
        var generator = SystemRandomNumberGenerator()
        for attempt in 1...6 {
            let full = min(Duration.milliseconds(100) * (1 << (attempt - 1)), .milliseconds(800))
            let delay = policy.delay(afterAttempt: attempt, using: &generator)
            #expect(delay >= full / 2 && delay <= full)
        }
        #expect(AgentBayRetryPolicy.isRetryable(code: "Throttling.User", httpStatus: 400))
        #expect(AgentBayRetryPolicy.isRetryable(code: "X", httpStatus: 429))
        #expect(AgentBayRetryPolicy.isRetryable(code: "ServiceUnavailable", httpStatus: 503))
        #expect(!AgentBayRetryPolicy.isRetryable(code: "InvalidMcpSession.NotFound", httpStatus: 400))
        // Mutating actions: throttling only.
        #expect(AgentBayRetryPolicy.shouldRetry(code: "Throttling.User", httpStatus: 400, readOnly: false))
        #expect(AgentBayRetryPolicy.shouldRetry(code: "HTTP429", httpStatus: 429, readOnly: false))
        #expect(!AgentBayRetryPolicy.shouldRetry(code: "ServiceUnavailable", httpStatus: 503, readOnly: false))
        #expect(AgentBayRetryPolicy.shouldRetry(code: "ServiceUnavailable", httpStatus: 503, readOnly: true))
    }
}
