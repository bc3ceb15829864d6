import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension WireTap {
    /// Shows one AgentBay request and how it ended.
    func exchange(request: URLRequest, outcome: HTTPExchange.Outcome, elapsed: Duration) {
        var answer: Data?
        let status: String
        switch outcome {
        case .answered(let data, let response): (answer, status) = (data, "HTTP \(response.statusCode)")
        case .failed(let reason): status = "no answer: \(reason.reason)"
        case .timedOut: status = "no answer: timed out"
        case .cancelled: status = "no answer: cancelled"
        case .redirectRefused(let message): status = "redirect refused: \(message)"
        }
        exchange(
            request: "\(request.httpMethod ?? "GET") \(request.url?.absoluteString ?? "?")",
            body: request.httpBody ?? Data(), answer: answer, status: status, elapsed: elapsed)
    }
}
