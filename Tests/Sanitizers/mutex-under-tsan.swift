// ThreadSanitizer does not see the locking of the standard library's `Synchronization.Mutex` on Linux (its lock is
// a futex in code built without TSan), so it reports every state guarded by a Mutex as a race. This program has no
// race, and TSan reports one anyway:
//
//     swiftc -sanitize=thread Tests/Sanitizers/mutex-under-tsan.swift -o /tmp/mutex-under-tsan && /tmp/mutex-under-tsan
//
// A report from baysh's suite whose two sides both run inside `withLock` of the same Mutex is this, not a finding.
import Foundation
import Synchronization

final class Counts: Sendable {
    let table = Mutex([Int: Int]())
}

let counts = Counts()
let threads = (0..<4).map { number in
    Thread { for step in 0..<20_000 { counts.table.withLock { $0[step % 64, default: 0] += number } } }
}
for thread in threads { thread.start() }
sleep(2)
print("keys:", counts.table.withLock { $0.count })
