import Foundation

/// A session that ends under the shell (released after being idle, deleted elsewhere): the user is told once,
/// with the id; calls are not sent to it; nothing replaces it unless `:new` asks; exit does not count the missing
/// session as a failed delete.
extension Shell {
    /// The id and reason of a session the backend found gone, nil while it lives.
    private var goneSession: (id: String, reason: String)? {
        session.lifecycle.goneReason.map { (session.sessionId, $0) }
    }

    /// A call to a session known to be gone is not sent: the full story the first time, a short reminder after.
    func refuseCallToGoneSession() -> CommandOutcome? {
        guard let gone = goneSession else { return nil }
        if sessionGoneReported {
            return .failure("not sent: session \(gone.id) is gone; :new opens a fresh session")
        }
        sessionGoneReported = true
        return .failure(SessionError.sessionGone(sessionId: gone.id, reason: gone.reason).description)
    }

    /// After a line: when the session was found gone (by the line, or by the keep-alive since the last line) and
    /// the line's own output did not say so, says it now. Not when leaving: the exit note says it.
    func reportSessionGoneAfter(_ outcome: CommandOutcome) {
        guard !sessionGoneReported, !quitRequested, let gone = goneSession else { return }
        sessionGoneReported = true
        let said = outcome.output.standardError.contains("session \(gone.id) is gone")
        guard !said else { return }
        var output = RenderedOutput()
        output.errorLine(SessionError.sessionGone(sessionId: gone.id, reason: gone.reason).description, style: .warning)
        writer.write(output)
    }

    /// At exit or `:new`: a gone session has nothing left to delete; let go of its connection and say so (with
    /// the reason, when the user has not heard it yet).
    func closeIfGone() async -> RenderedOutput? {
        guard let gone = goneSession else { return nil }
        await session.close()
        var output = RenderedOutput()
        if sessionGoneReported {
            output.errorLine("session \(gone.id) was already gone, so there was nothing to delete", style: .dim)
        } else {
            sessionGoneReported = true
            output.errorLine(
                "session \(gone.id) was already gone (\(gone.reason)), so there was nothing to delete", style: .warning)
        }
        return output
    }

    /// `:new`: opens a fresh session like the current one, then lets go of the current one as exit would (deleted
    /// when baysh created it and it is not kept), and switches to the new one. A failure leaves everything as it was.
    func openFreshSession() async -> CommandOutcome {
        let old = session
        let opened = await request(label: "new session") { try await $0.openSuccessor() }
        let fresh: any Session
        switch opened {
        case .failure(let failure):
            return .failure("no new session: \(failure.message)")
        case .success(let (session, _)):
            fresh = session
        }
        var output = RenderedOutput()
        if let note = await closeIfGone() {
            output.append(note)
        } else if old.ownership == .created, !settings.keepSession {
            switch await request(label: "delete session", { try await $0.delete(syncContext: false) }) {
            case .success: output.errorLine("deleted session \(old.sessionId)", style: .dim)
            case .failure(let failure):
                output.errorLine("could not delete session \(old.sessionId): \(failure.message)", style: .warning)
            }
        } else {
            await old.close()
            output.errorLine("left session \(old.sessionId) running; attach again with: baysh --session-id "
                + old.sessionId, style: .dim)
        }
        session = fresh
        SessionEnding.shared.replaced(old, with: fresh)
        old.setConversation(nil)
        conversation.listen(to: fresh)
        sessionGoneReported = false
        let count: String
        switch await loadTools() {
        case .success(let tools): count = "\(tools) tools"
        case .failure: count = "tools unknown"
        }
        var facts = [count]
        if let image = fresh.descriptor.imageId { facts.insert("image \(image)", at: 0) }
        output.errorLine("opened session \(fresh.sessionId) (\(facts.joined(separator: ", ")))", style: .dim)
        return CommandOutcome(output: output)
    }
}
