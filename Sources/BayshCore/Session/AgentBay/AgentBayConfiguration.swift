import Foundation

/// Where baysh finds AgentBay and how long it waits: API key, endpoint, timeout and region.
///
/// Each setting comes from the first place that has it: the flag, then the environment (`AGENTBAY_API_KEY`,
/// `AGENTBAY_ENDPOINT`, `AGENTBAY_TIMEOUT_MS`, `AGENTBAY_REGION_ID`), then the first `.env` found walking up from the
/// working directory, then the default. Unlike the Python and Go SDKs, a key that is only in `.env` is found; like
/// them, `.env` never overrides a variable that is set.
public struct AgentBayConfiguration: Sendable, CustomStringConvertible {
    /// The SDKs' default host.
    public static let defaultEndpoint = "wuyingai.cn-shanghai.aliyuncs.com"
    /// The SDKs' default connect and read timeout.
    public static let defaultTimeout = Duration.milliseconds(60_000)

    /// The API key (`akm-…`), masked when printed.
    public var apiKey: Secret
    /// Scheme, host and port of the API: `https://wuyingai.cn-shanghai.aliyuncs.com`, `http://127.0.0.1:8080`.
    public var baseURL: URL
    /// Connect and read timeout of each API call unless the call gives its own.
    public var timeout: Duration
    /// Sent as `LoginRegionId` when creating a session; nil when not configured.
    public var regionId: String?
    /// Where the key came from ("--api-key", "AGENTBAY_API_KEY", "/home/me/project/.env"), for messages.
    public var apiKeySource: String

    public init(apiKey: Secret, baseURL: URL, timeout: Duration = defaultTimeout, regionId: String? = nil,
        apiKeySource: String = "caller")
    {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.timeout = timeout
        self.regionId = regionId
        self.apiKeySource = apiKeySource
    }

    public var description: String {
        "AgentBay \(baseURL.absoluteString) key \(apiKey.masked) (from \(apiKeySource)), timeout "
            + SessionError.format(timeout) + (regionId.map { ", region \($0)" } ?? "")
    }

    /// Resolves every setting from flags, environment, `.env` and defaults.
    ///
    /// - Parameters:
    ///   - apiKey, endpoint, timeoutMilliseconds, regionId: flag values; nil when the flag was not given.
    ///   - environment: the process environment (tests pass their own).
    ///   - workingDirectory: where the `.env` search starts.
    /// - Throws: ``SessionError/configuration(_:)`` when no key is found or a value is malformed.
    public static func resolve(
        apiKey: String? = nil, endpoint: String? = nil, timeoutMilliseconds: Int? = nil, regionId: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws -> AgentBayConfiguration {
        let dotEnv = DotEnvFile.find(from: workingDirectory)

        func lookup(_ flagValue: String?, flag: String, variable: String) -> (value: String, source: String)? {
            if let flagValue, !flagValue.isEmpty { return (flagValue, flag) }
            if let value = environment[variable], !value.isEmpty { return (value, variable) }
            if let dotEnv, let value = dotEnv.values[variable], !value.isEmpty {
                return (value, "\(variable) in \(dotEnv.path)")
            }
            return nil
        }

        guard let key = lookup(apiKey, flag: "--api-key", variable: "AGENTBAY_API_KEY") else {
            let searched = dotEnv.map { "the file \($0.path)" }
                ?? "no .env file in \(workingDirectory.path) or any directory above it"
            throw SessionError.configuration(
                "no AgentBay API key: looked at --api-key, the AGENTBAY_API_KEY environment variable and \(searched). "
                    + "Set one with `export AGENTBAY_API_KEY=akm-...` or a line `AGENTBAY_API_KEY=akm-...` in .env; "
                    + "keys are created in the AgentBay console.")
        }

        let endpointSetting = lookup(endpoint, flag: "--endpoint", variable: "AGENTBAY_ENDPOINT")
        let baseURL = try parseEndpoint(endpointSetting?.value ?? defaultEndpoint, source: endpointSetting?.source)

        var timeout = defaultTimeout
        if let timeoutMilliseconds {
            guard timeoutMilliseconds > 0 else {
                throw SessionError.configuration(
                    "--timeout-ms \(timeoutMilliseconds) is not a positive number of milliseconds")
            }
            timeout = .milliseconds(timeoutMilliseconds)
        } else if let setting = lookup(nil, flag: "", variable: "AGENTBAY_TIMEOUT_MS") {
            // The SDKs fall back to the default on an unparsable value rather than refusing to start.
            if let milliseconds = Int(setting.value.trimmingCharacters(in: .whitespaces)), milliseconds > 0 {
                timeout = .milliseconds(milliseconds)
            }
        }

        let region = lookup(regionId, flag: "--region", variable: "AGENTBAY_REGION_ID")?.value
        return AgentBayConfiguration(
            apiKey: Secret(key.value.trimmingCharacters(in: .whitespacesAndNewlines)), baseURL: baseURL,
            timeout: timeout, regionId: region, apiKeySource: key.source)
    }

    /// `host`, `host:port`, `https://host` or `http://127.0.0.1:PORT` → a base URL; no scheme means https.
    public static func parseEndpoint(_ text: String, source: String? = nil) throws -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var withScheme = trimmed.contains("://") ? trimmed : "https://" + trimmed
        while withScheme.hasSuffix("/") && !withScheme.hasSuffix("://") { withScheme.removeLast() }
        guard let components = URLComponents(string: withScheme), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/", components.query == nil,
            let url = components.url
        else {
            let origin = source.map { " (from \($0))" } ?? ""
            throw SessionError.configuration(
                "endpoint '\(text)'\(origin) is not a host name: give a host such as "
                    + "wuyingai.cn-shanghai.aliyuncs.com, optionally with http:// or https:// and a port")
        }
        return url
    }
}
