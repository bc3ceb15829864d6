import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 over BSD sockets: one thread accepts, one thread per connection serves
/// keep-alive requests (Content-Length or chunked bodies, `Expect: 100-continue`).
///
/// Threads rather than Swift concurrency because every call here blocks (accept, recv); the request handler is
/// async and is awaited from the connection thread. `@unchecked Sendable`: the mutable fields are guarded by `lock`.
final class LoopbackHTTPServer: @unchecked Sendable {
    /// Before a request is read, once its first bytes have arrived: return true to close the connection instead.
    typealias DropCheck = @Sendable () -> Bool
    typealias Handler = @Sendable (HTTPRequestMessage) async -> HTTPReply

    private let handler: Handler
    private let dropBeforeReading: DropCheck
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var connections: Set<Int32> = []
    private var accepted = 0
    private var stopped = false
    private(set) var port: UInt16 = 0

    /// Largest request head or body accepted; bigger requests get the connection closed.
    static let maximumMessageSize = 64 << 20

    init(handler: @escaping Handler, dropBeforeReading: @escaping DropCheck) {
        self.handler = handler
        self.dropBeforeReading = dropBeforeReading
    }

    /// TCP connections accepted since start.
    var connectionsAccepted: Int { lock.withLock { accepted } }

    /// Binds 127.0.0.1 on `port` (0 = any free port) and starts accepting.
    func start(port requested: UInt16 = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FakeServerError.socket("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requested.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw FakeServerError.socket("bind/listen on 127.0.0.1:\(requested)", code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        lock.withLock {
            listener = fd
            port = UInt16(bigEndian: actual.sin_port)
            stopped = false
        }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "agentbay-fake accept"
        thread.start()
    }

    /// Stops accepting: new connections are refused (connection refused) until ``resumeListening()``.
    func stopListening() {
        let fd = lock.withLock { () -> Int32 in
            let fd = listener
            listener = -1
            return fd
        }
        guard fd >= 0 else { return }
        // shutdown wakes a thread blocked in accept(); close alone does not on Linux.
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// Listens again on the same port.
    func resumeListening() throws {
        try start(port: port)
    }

    /// Closes every open connection (clients see the connection drop) but keeps listening.
    func dropConnections() {
        let open = lock.withLock { connections }
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Stops listening and closes every connection.
    func stop() {
        lock.withLock { stopped = true }
        stopListening()
        dropConnections()
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let keep = lock.withLock { () -> Bool in
                guard !stopped else { return false }
                accepted += 1
                connections.insert(client)
                return true
            }
            guard keep else {
                close(client)
                continue
            }
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.name = "agentbay-fake connection"
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        var connection = Connection(fd: fd)
        defer {
            lock.withLock { _ = connections.remove(fd) }
            close(fd)
        }
        while true {
            guard connection.waitForData() else { return }
            if dropBeforeReading() {
                // Discard what arrived so close() sends a FIN rather than a reset the client might read as refused.
                connection.buffer.removeAll()
                return
            }
            guard let request = connection.readRequest() else { return }
            switch awaitReply(request) {
            case .drop:
                return
            case .respond(let response):
                guard connection.write(response, close: request.wantsClose) else { return }
                if request.wantsClose { return }
            }
        }
    }

    private func awaitReply(_ request: HTTPRequestMessage) -> HTTPReply {
        let done = DispatchSemaphore(value: 0)
        let box = ReplyBox()
        let handler = self.handler
        Task {
            box.set(await handler(request))
            done.signal()
        }
        done.wait()
        return box.get()
    }
}

/// Carries the handler's reply from its task to the waiting connection thread.
private final class ReplyBox: @unchecked Sendable {
    private let lock = NSLock()
    private var reply: HTTPReply = .drop
    func set(_ value: HTTPReply) { lock.withLock { reply = value } }
    func get() -> HTTPReply { lock.withLock { reply } }
}

/// Reading and writing one connection's bytes.
private struct Connection {
    let fd: Int32
    var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// Blocks until bytes are buffered; false on EOF or error.
    mutating func waitForData() -> Bool {
        buffer.isEmpty ? receive() : true
    }

    mutating func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                buffer += chunk[0..<count]
                return true
            }
            if count < 0 && errno == EINTR { continue }
            return false
        }
    }

    mutating func readRequest() -> HTTPRequestMessage? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find(terminator, in: buffer)
            if headEnd == nil {
                guard buffer.count < LoopbackHTTPServer.maximumMessageSize, receive() else { return nil }
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["expect"]?.lowercased() == "100-continue" {
            _ = sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let chunked = readChunked() else { return nil }
            body = chunked
        } else if let length = headers["content-length"].flatMap(Int.init), length > 0 {
            guard length <= LoopbackHTTPServer.maximumMessageSize else { return nil }
            while buffer.count < length { guard receive() else { return nil } }
            body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        }
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let version = String(requestLine[2])
        let connectionHeader = headers["connection"]?.lowercased() ?? ""
        return HTTPRequestMessage(
            method: String(requestLine[0]), path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
            headers: headers, body: Data(body),
            wantsClose: connectionHeader == "close" || (version == "HTTP/1.0" && connectionHeader != "keep-alive"))
    }

    private mutating func readChunked() -> [UInt8]? {
        var body: [UInt8] = []
        while true {
            var lineEnd = Self.find([13, 10], in: buffer)
            while lineEnd == nil {
                guard receive() else { return nil }
                lineEnd = Self.find([13, 10], in: buffer)
            }
            let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            buffer.removeFirst(lineEnd! + 2)
            if size == 0 {
                // Trailers end with an empty line.
                while true {
                    var end = Self.find([13, 10], in: buffer)
                    while end == nil {
                        guard receive() else { return nil }
                        end = Self.find([13, 10], in: buffer)
                    }
                    let empty = end == 0
                    buffer.removeFirst(end! + 2)
                    if empty { return body }
                }
            }
            guard body.count + size <= LoopbackHTTPServer.maximumMessageSize else { return nil }
            while buffer.count < size + 2 { guard receive() else { return nil } }
            body += buffer[0..<size]
            buffer.removeFirst(size + 2)
        }
    }

    func write(_ response: HTTPResponseMessage, close: Bool) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(response.reason)\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(response.body.count)\r\n"
        head += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n"
        return sendAll(Array(head.utf8) + [UInt8](response.body))
    }

    func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { raw in
                send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}

/// The fake could not open its socket.
public enum FakeServerError: Error, CustomStringConvertible {
    case socket(String, Int32)

    public var description: String {
        switch self {
        case .socket(let what, let code): "agentbay-fake: \(what) failed: \(String(cString: strerror(code)))"
        }
    }
}
