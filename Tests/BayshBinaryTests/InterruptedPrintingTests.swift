import BayshCore
import BayshTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C while the real `baysh` prints a result of tens of MB to a terminal or a pipe that nobody reads: printing
/// stops at once, a note says how much was printed, and the shell and its session go on.
@Suite("Ctrl-C while printing", .serialized)
struct InterruptedPrintingTests {
    /// Bytes of the file printed: far more than a terminal or pipe buffers.
    static let size = 20_000_000

    /// A workspace folder under the run's root holding `big.txt` (lines of 100 bytes).
    private static func workspace(in baysh: BayshProcess) throws -> String {
        let folder = baysh.root.appendingPathComponent("workspace")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let line = String(repeating: "x", count: 99) + "\n"
        let text = String(repeating: line, count: size / 100)
        try text.write(to: folder.appendingPathComponent("big.txt"), atomically: false, encoding: .utf8)
        return folder.path
    }

    @Test func ctrlCStopsPrintingToATerminalThatIsNotRead() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal(["--workspace", try Self.workspace(in: baysh)])
        try terminal.waitForPrompt(after: "Ctrl-D exits\n")
        // `raw` prints the whole text; `text` would cut it to what fits a screen or two on a terminal.
        terminal.type(":format raw\r")
        try terminal.waitForPrompt()
        terminal.type("read_file path=big.txt\r")
        // Nothing reads the terminal meanwhile, so baysh's writing is held up with most of the text left.
        usleep(1_000_000)
        let pressed = ContinuousClock.now
        terminal.type("\u{3}")
        try terminal.waitFor("output interrupted after ", timeout: .seconds(10))
        // About 3 ms when measured; the bound leaves room for a loaded machine.
        #expect(ContinuousClock.now - pressed < .seconds(3))
        try terminal.waitFor(" of 20.0 MB\n")
        try terminal.waitForPrompt()
        terminal.type("get_file_info path=big.txt\r")
        try terminal.waitFor("size: 20000000\n")
        try terminal.waitForPrompt()
        terminal.type(":q\r")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func ctrlCStopsPrintingToAPipeThatIsNotRead() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let (process, stdin, stdout, stderr) = try baysh.started(["--workspace", try Self.workspace(in: baysh)])
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        stdin.fileHandleForWriting.write(Data("read_file path=big.txt\nget_file_info path=big.txt\n".utf8))
        try stdin.fileHandleForWriting.close()

        // Once output arrives baysh is printing; the pipe then fills up and its writing is held up.
        let output = stdout.fileHandleForReading.fileDescriptor
        var ready = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        #expect(poll(&ready, 1, 20_000) == 1)
        usleep(500_000)
        let pressed = ContinuousClock.now
        process.interrupt()
        let note = try Self.readLine(from: stderr.fileHandleForReading.fileDescriptor, containing: "interrupted")
        #expect(ContinuousClock.now - pressed < .seconds(3))
        #expect(note.hasPrefix("output interrupted after ") && note.hasSuffix(" of 20.0 MB"))

        // The next line runs: its answer follows the part of the text that was printed.
        let printed = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(printed.count < Self.size / 2)
        #expect(String(decoding: printed.suffix(1000), as: UTF8.self).contains("size: 20000000\n"))
        // A script must not take the cut output for all of it.
        #expect(process.terminationStatus == 1)
    }

    /// Reads `descriptor` until a line holding `text` arrives (20 s at most) and gives that line.
    private static func readLine(from descriptor: Int32, containing text: String) throws -> String {
        var collected: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let lines = String(decoding: collected, as: UTF8.self).split(separator: "\n")
            if let line = lines.dropLast(collected.last == 0x0A ? 0 : 1).first(where: { $0.contains(text) }) {
                return String(line)
            }
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 50) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            collected += buffer[..<count]
        }
        throw PseudoTerminal.Failure(
            description: "no line with '\(text)' on stderr; it had:\n\(String(decoding: collected, as: UTF8.self))")
    }
}
