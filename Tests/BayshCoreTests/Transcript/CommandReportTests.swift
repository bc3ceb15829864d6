import Foundation
import MCP
import Testing

@testable import BayshCore

@Suite struct CommandReportTests {
    @Test func encodesOneObjectPerCommandWithNullArgumentsForMetaCommands() throws {
        let call = CommandReport(
            command: "read_file path=a.txt", line: 7, arguments: .object(["path": .string("a.txt")]), result: "hi",
            isError: false, elapsed: .microseconds(1234), ok: true)
        #expect(
            call.jsonLine
                == #"{"arguments":{"path":"a.txt"},"command":"read_file path=a.txt","elapsedMs":1.234,"isError":false,"line":7,"ok":true,"result":"hi"}"#
        )
        let meta = CommandReport(
            command: ":tools", line: nil, arguments: nil, result: "shell", isError: false, elapsed: .seconds(2),
            ok: false, diff: "--- t")
        #expect(
            meta.jsonLine
                == #"{"arguments":null,"command":":tools","diff":"--- t","elapsedMs":2000,"isError":false,"ok":false,"result":"shell"}"#
        )
    }

    @Test func unencodableArgumentsDoNotLoseTheLine() throws {
        let report = CommandReport(
            command: "x", line: 1, arguments: .object(["n": .double(.nan)]), result: "", isError: true, elapsed: .zero,
            ok: false)
        let object = try JSONSerialization.jsonObject(with: Data(report.jsonLine.utf8)) as? [String: Any]
        #expect(object?["command"] as? String == "x")
        #expect(object?["arguments"] is NSNull)
    }

    @Test func secretsAreMasked() {
        let secret = Secret("akm-command-report-secret-99")
        let report = CommandReport(
            command: "x key=\(secret.revealed)", line: 1, arguments: .object(["key": .string(secret.revealed)]),
            result: "", isError: false, elapsed: .zero, ok: true)
        #expect(!report.jsonLine.contains(secret.revealed))
    }
}
