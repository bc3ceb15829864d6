import Foundation
import Testing

@testable import BayshCore

@Suite struct AgentBayConfigurationTests {
    /// A fresh directory tree `root/project/sub` for `.env` discovery.
    private func tree() throws -> (root: URL, sub: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-env-\(UUID().uuidString)")
        let sub = root.appendingPathComponent("project/sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        return (root, sub)
    }

    @Test func keyOnlyInDotEnvAboveTheWorkingDirectoryIsFound() throws {
        let (root, sub) = try tree()
        defer { try? FileManager.default.removeItem(at: root) }
        try "# keys\nexport AGENTBAY_API_KEY=\"akm-from-dotenv-1234\"\nAGENTBAY_TIMEOUT_MS=1500 # short\n"
            .write(to: root.appendingPathComponent("project/.env"), atomically: true, encoding: .utf8)
        let configuration = try AgentBayConfiguration.resolve(environment: [:], workingDirectory: sub)
        #expect(configuration.apiKey.revealed == "akm-from-dotenv-1234")
        #expect(configuration.apiKeySource.hasSuffix("project/.env"))
        #expect(configuration.timeout == .milliseconds(1500))
        #expect(configuration.baseURL.absoluteString == "https://wuyingai.cn-shanghai.aliyuncs.com")
    }

    @Test func environmentBeatsDotEnvAndFlagsBeatEnvironment() throws {
        let (root, sub) = try tree()
        defer { try? FileManager.default.removeItem(at: root) }
        try "AGENTBAY_API_KEY=akm-dotenv-000000\nAGENTBAY_ENDPOINT=dotenv.example\nAGENTBAY_REGION_ID=cn-dotenv\n"
            .write(to: sub.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let environment = ["AGENTBAY_API_KEY": "akm-env-11111111", "AGENTBAY_ENDPOINT": "env.example:8443"]
        let fromEnvironment = try AgentBayConfiguration.resolve(environment: environment, workingDirectory: sub)
        #expect(fromEnvironment.apiKey.revealed == "akm-env-11111111")
        #expect(fromEnvironment.apiKeySource == "AGENTBAY_API_KEY")
        #expect(fromEnvironment.baseURL.absoluteString == "https://env.example:8443")
        #expect(fromEnvironment.regionId == "cn-dotenv")
        let fromFlags = try AgentBayConfiguration.resolve(
            apiKey: "akm-flag-22222222", endpoint: "http://127.0.0.1:9", timeoutMilliseconds: 250,
            regionId: "ap-southeast-1", environment: environment, workingDirectory: sub)
        #expect(fromFlags.apiKey.revealed == "akm-flag-22222222")
        #expect(fromFlags.baseURL.absoluteString == "http://127.0.0.1:9")
        #expect(fromFlags.timeout == .milliseconds(250))
        #expect(fromFlags.regionId == "ap-southeast-1")
    }

    @Test func missingKeySaysWhereItLookedAndHowToSetIt() throws {
        let (root, sub) = try tree()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect {
            try AgentBayConfiguration.resolve(environment: [:], workingDirectory: sub)
        } throws: { error in
            let text = "\(error)"
            return text.contains("AGENTBAY_API_KEY") && text.contains("--api-key") && text.contains(".env")
                && text.contains("export AGENTBAY_API_KEY=")
        }
    }

    @Test func unparsableTimeoutFallsBackToTheDefault() throws {
        let configuration = try AgentBayConfiguration.resolve(
            environment: ["AGENTBAY_API_KEY": "akm-x-1234567890", "AGENTBAY_TIMEOUT_MS": "soon"],
            workingDirectory: URL(fileURLWithPath: "/"))
        #expect(configuration.timeout == AgentBayConfiguration.defaultTimeout)
    }

    @Test(arguments: [
        ("wuyingai.ap-southeast-1.aliyuncs.com", "https://wuyingai.ap-southeast-1.aliyuncs.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://host.example/", "https://host.example"),
        ("host.example:444", "https://host.example:444"),
    ])
    func endpointWithOrWithoutScheme(input: String, expected: String) throws {
        #expect(try AgentBayConfiguration.parseEndpoint(input).absoluteString == expected)
    }

    @Test(arguments: ["ftp://host.example", "https://host.example/path", "", "http://"])
    func badEndpointsAreRefusedWithAHint(input: String) {
        #expect(throws: SessionError.self) { try AgentBayConfiguration.parseEndpoint(input, source: "test") }
    }

    @Test func dotEnvParsingHandlesQuotesCommentsAndExport() {
        let values = DotEnvFile.parse(
            """
            # comment
            export A=1
            B = "two words" # trailing
            C='single # kept'
            D=x#y
            E="line\\nbreak \\"quoted\\""
            no equals sign
            =nokey
            F=
            """)
        #expect(values["A"] == "1")
        #expect(values["B"] == "two words")
        #expect(values["C"] == "single # kept")
        #expect(values["D"] == "x#y")
        #expect(values["E"] == "line\nbreak \"quoted\"")
        #expect(values["F"] == "")
        #expect(values.count == 6)
    }

    @Test func descriptionMasksTheKey() throws {
        let configuration = try AgentBayConfiguration.resolve(
            apiKey: "akm-abcdef-123456789", environment: [:], workingDirectory: URL(fileURLWithPath: "/"))
        #expect(!"\(configuration)".contains("akm-abcdef-123456789"))
        #expect("\(configuration)".contains("akm-****6789"))
    }
}
