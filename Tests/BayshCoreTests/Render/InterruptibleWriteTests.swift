import BayshCore
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Writing that Ctrl-C stops: to a pipe nobody reads (a blocked write must not keep the flag from being seen), to
/// a pipe that is read, and to a regular file.
@Suite struct InterruptibleWriteTests {
    static let text = String(repeating: String(repeating: "y", count: 99) + "\n", count: 50_000)

    @Test func aRaisedFlagStopsAWriteToAPipeNobodyReads() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        let interrupt = OutputInterrupt()
        let raised = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) {
            interrupt.raise()
            raised.signal()
        }
        let started = ContinuousClock.now
        let written = TerminalText.write(Self.text, to: ends[1], stoppingAt: interrupt)
        let took = ContinuousClock.now - started
        raised.wait()
        // The pipe holds what it buffers (64 KB on Linux), not the 5 MB.
        #expect(written > 0 && written < Self.text.utf8.count / 10)
        #expect(took >= .milliseconds(190) && took < .seconds(2))
        // The pipe's own descriptor stays blocking: other writers (libedit, the parent shell) are not affected.
        #expect(fcntl(ends[1], F_GETFL) & O_NONBLOCK == 0)
        // Once raised, nothing more is written.
        #expect(TerminalText.write("more", to: ends[1], stoppingAt: interrupt) == 0)
    }

    @Test func everythingIsWrittenToAPipeThatIsRead() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let reader = ends[0]
        let total = Mutex(0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while case let count = read(reader, &buffer, buffer.count), count > 0 {
                total.withLock { $0 += count }
            }
            done.signal()
        }.start()
        let written = TerminalText.write(Self.text, to: ends[1], stoppingAt: OutputInterrupt())
        close(ends[1])
        done.wait()
        close(ends[0])
        #expect(written == Self.text.utf8.count)
        #expect(total.withLock { $0 } == written)
    }

    @Test func aRegularFileGetsEverythingUnlessInterrupted() throws {
        let path = NSTemporaryDirectory() + "baysh-write-\(UUID().uuidString)"
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        #expect(TerminalText.write(Self.text, to: descriptor, stoppingAt: OutputInterrupt()) == Self.text.utf8.count)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.text)
        let raised = OutputInterrupt()
        raised.raise()
        #expect(TerminalText.write(Self.text, to: descriptor, stoppingAt: raised) == 0)
    }
}
