import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// How baysh treats an HTTP redirect, for the AgentBay API and streamable HTTP MCP servers alike.
///
/// URLSession would follow redirects by itself, and on Linux it does so badly: it re-sends a POST without its body
/// (the server then waits for bytes that never come) and it sends `Authorization` and every `--header` value to
/// whatever origin the `Location` names. So URLSession is told never to follow (``refusal``) and the caller decides
/// here: a 307 or 308 to the same origin (scheme, host and port) is sent again as it was, body and headers
/// included, since those codes promise the request is to be repeated unchanged; anything else is refused with a
/// message naming the new address, because following it would hand the request's credentials to another server
/// or turn the POST into a GET.
package enum HTTPRedirects {
    /// Redirects followed for one request before giving up (a loop, most likely).
    package static let maxHops = 5

    /// What to do with an answer.
    package enum Decision: Equatable {
        /// Not a redirect: the answer is the answer.
        case answer
        /// Send the same request again to this URL.
        case follow(URL)
        /// Stop, with this explanation.
        case refuse(String)
    }

    /// The decision for an answer with `status` and `location` to a request sent to `url`, after `hops` redirects
    /// were already followed.
    package static func decide(status: Int, location: String?, from url: URL, hops: Int) -> Decision {
        guard (300..<400).contains(status), status != 304 else { return .answer }
        let from = describe(url)
        guard let location, let target = URL(string: location, relativeTo: url)?.absoluteURL else {
            return .refuse("\(from) answered HTTP \(status) (a redirect) without a usable Location")
        }
        let to = describe(target)
        guard sameOrigin(url, target) else {
            return .refuse(
                "\(from) redirected the request to \(to) (HTTP \(status)), another server; baysh does not follow it, "
                    + "since the request carries credentials (Authorization, --header values): if that server is "
                    + "the right one, use its address directly")
        }
        guard status == 307 || status == 308 else {
            return .refuse(
                "\(from) redirected the request to \(to) (HTTP \(status)), which would turn it into a GET; baysh "
                    + "follows only 307 and 308 redirects: use the new address directly")
        }
        guard hops < maxHops else {
            return .refuse("\(from) redirected the request more than \(maxHops) times (a loop?); last to \(to)")
        }
        return .follow(target)
    }

    /// Scheme, host and port, with the scheme's default port filled in.
    package static func sameOrigin(_ one: URL, _ other: URL) -> Bool {
        func origin(_ url: URL) -> (String, String, Int)? {
            guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
            let port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
            return (scheme, host, port)
        }
        guard let left = origin(one), let right = origin(other) else { return false }
        return left == right
    }

    /// `request` sent again to `url`: same method, headers and body.
    package static func resend(_ request: URLRequest, to url: URL) -> URLRequest {
        var copy = request
        copy.url = url
        return copy
    }

    /// A URL for messages: no user info or query, which can carry credentials.
    package static func describe(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return "the server" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        return Redactor.shared.redact(parts.string ?? "the server")
    }

    /// The delegate that keeps URLSession from following any redirect: the 3xx answer comes back to the caller,
    /// which asks ``decide(status:location:from:hops:)``.
    package static let refusal = RedirectRefusal()
}

/// Answers every `willPerformHTTPRedirection` with "do not follow" (see ``HTTPRedirects``).
package final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    package func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
