import AgentBayFake
import BayshCore
import Foundation

// agentbay-fake: the fake AgentBay API as a process, for end-to-end runs of baysh.
//
//   agentbay-fake [--port N] [--key KEY] [--link-route] [--vpc] [--tools test|local] [--workspace DIR]
//                 [--idle-timeout SECONDS] [--boot-delay-ms N] [--quota N] [--exit-on-stdin-eof]
//
// --idle-timeout releases sessions created without a `Timeout` after that many idle seconds.
// --tools test (default) serves echo/sleep/fail/mixed; --tools local runs the embedded local session's AgentBay
// Linux tools in a fresh workspace (or in DIR), deleted again when the fake exits through --exit-on-stdin-eof.
// Prints `agentbay-fake listening on http://127.0.0.1:PORT` on stdout once it accepts connections; point
// AGENTBAY_ENDPOINT at that URL and AGENTBAY_API_KEY at the key. With --exit-on-stdin-eof it ends when its stdin
// closes, so a test that dies cannot leave it running. --boot-delay-ms makes CreateMcpSession take that long;
// --quota N refuses CreateMcpSession while N sessions are running (fan-out runs and the bench).

var port: UInt16 = 0
var key = AgentBayFake.defaultAPIKey
var options = FakeOptions()
var capacity = FakeCapacity()
var exitOnEOF = false
var toolKind = "test"
var workspace: URL?
var arguments = CommandLine.arguments.dropFirst()[...]

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("agentbay-fake: \(message)\n".utf8))
    exit(2)
}

while let argument = arguments.popFirst() {
    switch argument {
    case "--port":
        guard let text = arguments.popFirst(), let value = UInt16(text) else { fail("--port needs a number 0-65535") }
        port = value
    case "--key":
        guard let value = arguments.popFirst(), !value.isEmpty else { fail("--key needs a value") }
        key = value
    case "--link-route": options.offerLinkRoute = true
    case "--vpc": options.vpcSessions = true
    case "--idle-timeout":
        guard let text = arguments.popFirst(), let seconds = Int(text), seconds > 0 else {
            fail("--idle-timeout needs a positive number of seconds")
        }
        options.idleTimeout = .seconds(seconds)
    case "--exit-on-stdin-eof": exitOnEOF = true
    case "--boot-delay-ms":
        guard let text = arguments.popFirst(), let value = Int(text), value >= 0 else {
            fail("--boot-delay-ms needs a number of milliseconds")
        }
        capacity.bootDelay = .milliseconds(value)
    case "--quota":
        guard let text = arguments.popFirst(), let value = Int(text), value > 0 else {
            fail("--quota needs a positive number of sessions")
        }
        capacity.quota = value
    case "--tools":
        guard let value = arguments.popFirst(), ["test", "local"].contains(value) else {
            fail("--tools takes test or local")
        }
        toolKind = value
    case "--workspace":
        guard let value = arguments.popFirst() else { fail("--workspace needs a folder") }
        workspace = URL(fileURLWithPath: value)
    case "-h", "--help":
        print(
            "usage: agentbay-fake [--port N] [--key KEY] [--link-route] [--vpc] [--tools test|local] "
                + "[--workspace DIR] [--idle-timeout SECONDS] [--boot-delay-ms N] [--quota N] [--exit-on-stdin-eof]")
        exit(0)
    default:
        fail("unknown argument '\(argument)'; see --help")
    }
}

var executor = FakeToolExecutor.testTools
var localSession: LocalSession?
if toolKind == "local" {
    do {
        let session = try LocalSession.create(workspace: workspace)
        localSession = session
        executor = FakeToolExecutor(session: session)
    } catch {
        fail("cannot start the local session: \(error)")
    }
}
let fake = AgentBayFake(apiKey: key, executor: executor, options: options)
fake.capacity = capacity
do {
    try fake.start(port: port)
} catch {
    fail("\(error)")
}
// Written straight to the file descriptor: a piped stdout is block-buffered and the reader waits for this line.
FileHandle.standardOutput.write(Data("agentbay-fake listening on \(fake.endpoint)\n".utf8))
if exitOnEOF {
    while readLine() != nil {}
    fake.stop()
    if let localSession { try? await localSession.delete(syncContext: false) }
    exit(0)
}
while true { sleep(3600) }
