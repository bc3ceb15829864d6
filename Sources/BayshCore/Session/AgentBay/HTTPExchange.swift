import Dispatch
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One request/answer on a shared `URLSession` that ends at the first of: the answer, a transport error, its
/// deadline, or cancellation of the calling task (Ctrl-C). On a deadline or cancellation the URLSession task is
/// cancelled at once, so a hung server never holds the shell.
package enum HTTPExchange {
    /// How an exchange ended.
    package enum Outcome: Sendable {
        case answered(Data, HTTPURLResponse)
        case failed(TransportFailure)
        case timedOut
        case cancelled
        /// A redirect baysh does not follow (see ``HTTPRedirects``); nothing was run.
        case redirectRefused(String)
    }

    /// Why no answer came, split by whether the request can have reached the server.
    ///
    /// URLSession on Linux (libcurl underneath) reports a failed connect — refused, unreachable, unknown host — as
    /// `NSURLErrorCannotConnectToHost` or `NSURLErrorCannotFindHost`/`DNSLookupFailed`: no byte of the request was
    /// written, so resending is safe for any action — provided the request was on a fresh connection: on a reused
    /// one, libcurl may have written it, lost the connection and met the refusal only in its own silent re-send,
    /// which is why ``AgentBayClient`` sends every mutating action on a connection of its own. `NSURLErrorNetworkConnectionLost` (the server closed after we
    /// wrote), `NSURLErrorTimedOut`, `BadServerResponse` and everything else may come after the server read and ran
    /// the request, so a mutating action must not be sent again.
    package enum TransportFailure: Sendable, Equatable {
        /// The connection was never made; the request was not written.
        case notSent(String)
        /// The request may have reached the server.
        case maybeSent(String)

        package var reason: String {
            switch self {
            case .notSent(let reason), .maybeSent(let reason): return reason
            }
        }
    }

    /// Sends `request` and waits at most `deadline` in all. A same-origin 307/308 is followed with the same body
    /// and headers; any other redirect ends the exchange (``HTTPRedirects``). The session must have
    /// ``HTTPRedirects/refusal`` as its delegate, or URLSession follows redirects itself. Tasks are made through
    /// `gate`: once the client is closed, nothing is sent.
    static func perform(_ request: URLRequest, on session: URLSession, gate: SessionGate, deadline: Duration) async
        -> Outcome
    {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        var request = request
        var hops = 0
        while true {
            let outcome = await performOnce(request, on: session, gate: gate, deadline: max(end - clock.now, .zero))
            guard case .answered(_, let response) = outcome, let url = request.url else { return outcome }
            switch HTTPRedirects.decide(
                status: response.statusCode, location: response.value(forHTTPHeaderField: "Location"), from: url,
                hops: hops)
            {
            case .answer: return outcome
            case .refuse(let message): return .redirectRefused(message)
            case .follow(let target):
                request = HTTPRedirects.resend(request, to: target)
                hops += 1
            }
        }
    }

    private static func performOnce(
        _ request: URLRequest, on session: URLSession, gate: SessionGate, deadline: Duration
    ) async -> Outcome {
        let pending = PendingExchange()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let made = gate.task {
                    session.dataTask(with: request) { data, response, error in
                        pending.finish(outcome(data: data, response: response, error: error))
                    }
                }
                guard let task = made else {
                    continuation.resume(returning: .failed(.notSent(SessionGate.closedReason)))
                    return
                }
                let timer = DispatchWorkItem { pending.finish(.timedOut) }
                guard pending.start(continuation, task: task, timer: timer) else { return }
                task.resume()
                DispatchQueue.global().asyncAfter(deadline: .now() + deadline.seconds, execute: timer)
            }
        } onCancel: {
            pending.finish(.cancelled)
        }
    }

    private static func outcome(data: Data?, response: URLResponse?, error: (any Error)?) -> Outcome {
        if let error {
            let nsError = error as NSError
            switch nsError.code {
            case NSURLErrorCancelled:
                return .cancelled
            case NSURLErrorTimedOut:
                return .timedOut
            case NSURLErrorCannotConnectToHost, NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed,
                NSURLErrorNotConnectedToInternet:
                return .failed(.notSent(describe(nsError)))
            default:
                return .failed(.maybeSent(describe(nsError)))
            }
        }
        guard let http = response as? HTTPURLResponse else {
            return .failed(.maybeSent("the answer was not HTTP"))
        }
        return .answered(data ?? Data(), http)
    }

    private static func describe(_ error: NSError) -> String {
        switch error.code {
        case NSURLErrorCannotConnectToHost: return "could not connect (connection refused or unreachable)"
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return "the host name did not resolve"
        case NSURLErrorNotConnectedToInternet: return "there is no network"
        case NSURLErrorNetworkConnectionLost: return "the connection was closed before the answer arrived"
        case NSURLErrorBadServerResponse: return "the server sent no valid HTTP answer"
        default: return "\(error.localizedDescription) (URL error \(error.code))"
        }
    }
}

/// The single place an exchange is resolved, whichever of answer, timer and cancellation comes first.
///
/// `@unchecked Sendable` because URLSession tasks and Dispatch work items are not `Sendable`; every stored property
/// is read and written only under `lock`.
private final class PendingExchange: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPExchange.Outcome, Never>?
    private var task: URLSessionDataTask?
    private var timer: DispatchWorkItem?
    /// An outcome that arrived before `start` (cancellation racing the setup).
    private var early: HTTPExchange.Outcome?
    private var done = false

    /// Returns false when the exchange already ended (the task was cancelled before it started).
    func start(
        _ continuation: CheckedContinuation<HTTPExchange.Outcome, Never>, task: URLSessionDataTask,
        timer: DispatchWorkItem
    ) -> Bool {
        lock.lock()
        if let early {
            done = true
            lock.unlock()
            continuation.resume(returning: early)
            return false
        }
        self.continuation = continuation
        self.task = task
        self.timer = timer
        lock.unlock()
        return true
    }

    func finish(_ outcome: HTTPExchange.Outcome) {
        lock.lock()
        guard !done, let continuation else {
            if !done, early == nil { early = outcome }
            lock.unlock()
            return
        }
        done = true
        let task = self.task
        let timer = self.timer
        self.continuation = nil
        self.task = nil
        self.timer = nil
        lock.unlock()
        timer?.cancel()
        switch outcome {
        case .timedOut, .cancelled: task?.cancel()
        case .answered, .failed, .redirectRefused: break
        }
        continuation.resume(returning: outcome)
    }
}

extension Duration {
    /// The duration in seconds, for Foundation and Dispatch APIs.
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
