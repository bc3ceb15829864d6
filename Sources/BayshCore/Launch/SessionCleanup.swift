import Foundation

/// `baysh sessions --delete --label k=v [--older-than DURATION]`: finds the sessions a crashed run left behind
/// (fan-out sessions carry `baysh-run=<id>` and `baysh-started=<unix seconds>`) and deletes them.
public enum SessionCleanup {
    /// A session to delete: its id and what the confirmation table shows.
    public struct Candidate: Sendable, Equatable {
        public var id: String
        public var detail: String
    }

    /// What a search found: the candidates, and how many matched the labels but could not be dated for
    /// `--older-than` (an AgentBay session without the `baysh-started` label: ListSession gives no age).
    public struct Found: Sendable, Equatable {
        public var candidates: [Candidate]
        public var undated = 0
    }

    /// Local sessions with every label of `labels`, created more than `olderThan` before `now`.
    public static func local(
        labels: [String: String], olderThan: Duration?, now: Date = Date(), dataHome: URL? = nil
    ) throws -> Found {
        let records = try LocalSession.list(dataHome: dataHome).filter { record in
            labels.allSatisfy { record.labels[$0.key] == $0.value }
                && olderThan.map { now.timeIntervalSince(record.created) > $0.seconds } ?? true
        }
        return Found(candidates: records.map {
            Candidate(id: $0.id, detail: "created " + LocalSessionStore.isoText(of: $0.created))
        })
    }

    /// AgentBay sessions with every label of `labels` (all pages of ListSession), still running or paused; with
    /// `olderThan`, only those whose `baysh-started` label is older.
    public static func agentBay(
        labels: [String: String], olderThan: Duration?, now: Date = Date(), client: AgentBayClient
    ) async throws -> Found {
        let live = try await client.allSessions(labels: labels).filter {
            !SessionStatus.endedStates.contains($0.status)
        }
        guard let olderThan else {
            return Found(candidates: live.map { Candidate(id: $0.id, detail: $0.status) })
        }
        var found = Found(candidates: [])
        for session in live {
            let started = try? await client.labels(sessionId: session.id)[FanoutPlan.startedLabel]
                .flatMap(TimeInterval.init)
            guard let started else {
                found.undated += 1
                continue
            }
            let age = now.timeIntervalSince1970 - started
            if age > olderThan.seconds {
                found.candidates.append(Candidate(id: session.id, detail: "\(session.status), started \(Int(age)) s ago"))
            }
        }
        return found
    }

    /// Deletes the local sessions `ids`; gives the error text of each that failed.
    public static func deleteLocal(_ ids: [String], dataHome: URL? = nil) async -> [String: String] {
        var failures: [String: String] = [:]
        for id in ids {
            do {
                try await LocalSession.attach(id: id, dataHome: dataHome).delete(syncContext: false)
            } catch {
                failures[id] = "\(error)"
            }
        }
        return failures
    }

    /// Deletes the AgentBay sessions `ids`, eight at a time; gives the error text of each that failed.
    public static func deleteAgentBay(_ ids: [String], client: AgentBayClient) async -> [String: String] {
        await withTaskGroup(of: (String, String?).self) { group in
            var pending = ids[...]
            func startNext() {
                guard let id = pending.popFirst() else { return }
                group.addTask {
                    do {
                        try await client.deleteSession(id)
                        return (id, nil)
                    } catch SessionError.notFound {
                        return (id, nil)
                    } catch {
                        return (id, "\(error)")
                    }
                }
            }
            for _ in 0..<8 { startNext() }
            var failures: [String: String] = [:]
            while let (id, failure) = await group.next() {
                if let failure { failures[id] = failure }
                startNext()
            }
            return failures
        }
    }
}
