import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension TerminalText {
    /// How long one wait for a full terminal or pipe lasts before the interrupt flag is looked at again: Ctrl-C
    /// stops printing within about this long even when nothing reads the output.
    static let interruptCheckMilliseconds: Int32 = 20

    /// Bytes handed to one `write(2)` on a file that never blocks (a regular file, `/dev/null`), so the flag is
    /// still looked at between pieces of a huge text.
    static let fileWriteBytes = 1 << 20

    /// Writes `text` to `descriptor` until done, the descriptor fails (a closed pipe), or `interrupt` is raised,
    /// and gives how many of its bytes were written.
    ///
    /// A terminal or pipe can block a write for as long as its reader wants (a slow terminal, `| less` waiting
    /// at its prompt), and a blocked `write(2)` does not look at any flag. So those are written through a
    /// descriptor of their own opened with `O_NONBLOCK` (`/proc/self/fd/N`: a new open file description, so the
    /// shared one, which libedit and the parent shell use too, stays blocking), waiting with `poll` in short
    /// steps; sockets are sent to with `MSG_DONTWAIT`. Where neither works, writes are kept to `PIPE_BUF` bytes
    /// after `poll` reports room, which a pipe accepts without blocking.
    @discardableResult
    public static func write(_ text: String, to descriptor: Int32, stoppingAt interrupt: OutputInterrupt) -> Int {
        withUTF8(text) { bytes in
            guard let base = bytes.baseAddress, !interrupt.isRaised else { return 0 }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return 0 }
            switch info.st_mode & S_IFMT {
            case S_IFREG, S_IFBLK:
                return writeBlocking(base, bytes.count, to: descriptor, interrupt: interrupt)
            case S_IFCHR where isatty(descriptor) != 1:
                return writeBlocking(base, bytes.count, to: descriptor, interrupt: interrupt)
            case S_IFSOCK:
                return writeWaiting(base, bytes.count, to: descriptor, interrupt: interrupt) { pointer, count in
                    send(descriptor, pointer, count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
                }
            default:
                let own = open("/proc/self/fd/\(descriptor)", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
                if own >= 0 {
                    defer { close(own) }
                    return writeWaiting(base, bytes.count, to: own, interrupt: interrupt) { pointer, count in
                        Glibc.write(own, pointer, count)
                    }
                }
                return writeWaiting(base, bytes.count, to: descriptor, interrupt: interrupt) { pointer, count in
                    var room = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    guard poll(&room, 1, 0) > 0 else {
                        errno = EAGAIN
                        return -1
                    }
                    return Glibc.write(descriptor, pointer, min(count, Int(PIPE_BUF)))
                }
            }
        }
    }

    /// Writes with blocking writes, retrying short writes and EINTR, in pieces of ``fileWriteBytes`` with the flag
    /// looked at between them; stops at an error. Gives the bytes written.
    @discardableResult
    static func writeBlocking(
        _ base: UnsafePointer<UInt8>, _ count: Int, to descriptor: Int32, interrupt: OutputInterrupt?
    ) -> Int {
        var offset = 0
        while offset < count, interrupt?.isRaised != true {
            let written = Glibc.write(descriptor, base + offset, min(count - offset, fileWriteBytes))
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        return offset
    }

    /// Writes with `attempt`, which never blocks; when it finds no room (`EAGAIN`), waits for room with `poll` in
    /// steps of ``interruptCheckMilliseconds``, looking at the flag between them.
    private static func writeWaiting(
        _ base: UnsafePointer<UInt8>, _ count: Int, to descriptor: Int32, interrupt: OutputInterrupt,
        attempt: (UnsafePointer<UInt8>, Int) -> Int
    ) -> Int {
        var offset = 0
        while offset < count, !interrupt.isRaised {
            let written = attempt(base + offset, count - offset)
            if written > 0 {
                offset += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { break }
            var room = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&room, 1, interruptCheckMilliseconds)
            if ready > 0, room.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { break }
        }
        return offset
    }
}
