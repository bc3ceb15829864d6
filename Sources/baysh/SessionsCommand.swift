import ArgumentParser
import BayshCore
import Foundation

/// `baysh sessions`: lists local sessions, or AgentBay sessions with `--agentbay`.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List local sessions (id, created, labels, workspace), or AgentBay sessions with --agentbay.",
        discussion: """
            --delete deletes the sessions matching --label (at least one; fan-out runs label theirs \
            baysh-run=<id>) after asking, or at once with --yes; --older-than 2h keeps younger ones.
            """
    )

    @Option(name: .customLong("label"), help: ArgumentHelp("Only sessions with this label (repeatable).",
        valueName: "key=value"))
    var labels: [String] = []

    @OptionGroup(title: "AgentBay")
    var agentBay: AgentBayFlags

    @Option(name: .customLong("timeout-ms"), help: ArgumentHelp("How long each AgentBay API call may take.",
        valueName: "ms"))
    var timeoutMs: Int?

    @Flag(help: "Delete the sessions matching --label (asks first unless --yes).")
    var delete = false

    @Option(name: .customLong("older-than"), help: ArgumentHelp(
        "With --delete: only sessions created longer ago than this (90s, 15m, 2h, 7d).", valueName: "duration"))
    var olderThan: String?

    @Flag(help: "With --delete: do not ask.")
    var yes = false

    func validate() throws {
        if !delete, olderThan != nil || yes { throw ValidationError("--older-than and --yes work with --delete") }
        if delete, labels.isEmpty {
            throw ValidationError("--delete needs at least one --label key=value, so it cannot delete every session")
        }
        if let olderThan, DurationArgument.parse(olderThan) == nil {
            throw ValidationError("--older-than '\(olderThan)' is not a duration such as 90s, 15m, 2h or 7d")
        }
        if agentBay.image != nil { throw ValidationError("--image is for a new session; `sessions` lists them") }
        if !agentBay.agentbay, agentBay.endpoint != nil || agentBay.apiKeyEnv != nil {
            throw ValidationError("--endpoint and --api-key-env are for AgentBay; add --agentbay")
        }
        if let timeoutMs, timeoutMs <= 0 { throw ValidationError("--timeout-ms must be a positive number of ms") }
        _ = try KeyValueArgument.table(labels, flag: "--label")
    }

    mutating func run() async throws {
        let wanted = try KeyValueArgument.table(labels, flag: "--label")
        if delete { return try await deleteSessions(labels: wanted) }
        do {
            let lines: [String]
            if agentBay.agentbay {
                var request = SessionRequest()
                agentBay.apply(to: &request)
                request.timeoutMilliseconds = timeoutMs
                lines = try await SessionListing.agentBay(
                    labels: wanted, config: SessionOpener.agentBayConfiguration(request))
            } else {
                lines = try SessionListing.local(labels: wanted)
            }
            // Labels and ids come from the AgentBay service.
            print(TerminalText.visible(lines.joined(separator: "\n")))
        } catch {
            BayshMain.complain(error)
            throw ExitCode(1)
        }
    }

    /// `--delete`: the matching sessions as a table, a question (unless `--yes`), then one delete each.
    private func deleteSessions(labels wanted: [String: String]) async throws {
        let age = olderThan.flatMap(DurationArgument.parse)
        var client: AgentBayClient?
        defer { client?.close() }
        let found: SessionCleanup.Found
        do {
            if agentBay.agentbay {
                var request = SessionRequest()
                agentBay.apply(to: &request)
                request.timeoutMilliseconds = timeoutMs
                let made = AgentBayClient(configuration: try SessionOpener.agentBayConfiguration(request))
                client = made
                found = try await SessionCleanup.agentBay(labels: wanted, olderThan: age, client: made)
            } else {
                found = try SessionCleanup.local(labels: wanted, olderThan: age)
            }
        } catch {
            BayshMain.complain(error)
            throw ExitCode(1)
        }
        if found.undated > 0 {
            BayshMain.note("\(found.undated) matching session(s) left alone: no \(FanoutPlan.startedLabel) label to tell their age")
        }
        guard !found.candidates.isEmpty else {
            BayshMain.note("no sessions to delete")
            return
        }
        print(TerminalText.visible(
            TextTable.lines([["ID", "STATE"]] + found.candidates.map { [$0.id, $0.detail] }).joined(separator: "\n")))
        if !yes {
            guard TerminalText.isTerminal(STDIN_FILENO) else {
                BayshMain.note("stdin is not a terminal, so baysh cannot ask; add --yes to delete without asking")
                throw ExitCode(1)
            }
            FileHandle.standardError.write(Data("delete these \(found.candidates.count) session(s)? [y/N] ".utf8))
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                BayshMain.note("nothing deleted")
                return
            }
        }
        let ids = found.candidates.map(\.id)
        let failures = if let client {
            await SessionCleanup.deleteAgentBay(ids, client: client)
        } else {
            await SessionCleanup.deleteLocal(ids)
        }
        for id in ids.sorted() where failures[id] == nil { BayshMain.note("deleted \(id)") }
        for (id, failure) in failures.sorted(by: { $0.key < $1.key }) {
            BayshMain.note("could not delete \(id): \(failure)")
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
