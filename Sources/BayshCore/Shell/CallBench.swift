import Foundation
import Histogram
import MCP
import Synchronization

/// `:bench`: one resolved call made N times, C at once, with latencies in an HDR histogram (microseconds, three
/// significant digits), so a long run costs a fixed few kilobytes rather than one entry per call.
struct CallBench: Sendable {
    var tool: String
    var arguments: [String: Value]
    var options: CallOptions
    var count: Int
    var concurrency: Int

    /// What a run measured (also when it was stopped early).
    struct Report: Sendable {
        var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        var errors = 0
        var firstError: String?
        var elapsed: Duration = .zero
        var stopped = false

        var calls: Int { Int(histogram.totalCount) }

        /// The lines `:bench` prints.
        var text: String {
            func ms(_ microseconds: UInt64) -> String {
                String(format: "%.2f ms", Double(microseconds) / 1000)
            }
            var lines = ["calls    \(calls)" + (stopped ? " (stopped by Ctrl-C)" : "")]
            if calls > 0 {
                lines += [
                    "min      \(ms(histogram.min))",
                    "p50      \(ms(histogram.valueAtPercentile(50)))",
                    "p95      \(ms(histogram.valueAtPercentile(95)))",
                    "p99      \(ms(histogram.valueAtPercentile(99)))",
                    "max      \(ms(histogram.max))",
                ]
                let seconds = elapsed.inSeconds
                lines.append("calls/s  " + (seconds > 0 ? String(format: "%.1f", Double(calls) / seconds) : "-"))
            }
            lines.append("errors   \(errors)")
            if let firstError { lines.append("first error: \(firstError)") }
            return lines.joined(separator: "\n")
        }
    }

    /// Makes the calls; `stop` ends the run early (calls in flight are cancelled and not counted).
    func run(on session: any Session, stop: OutputInterrupt) async -> Report {
        let tally = Tally()
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<min(concurrency, count) {
                group.addTask {
                    while !stop.isRaised, !Task.isCancelled {
                        let mine = tally.next.add(1, ordering: .relaxed).oldValue
                        guard mine < count else { return }
                        let callStarted = ContinuousClock.now
                        let outcome: Result<ToolResult, any Error>
                        do {
                            outcome = .success(try await session.callTool(
                                name: tool, arguments: arguments, options: options))
                        } catch {
                            outcome = .failure(error)
                        }
                        let took = ContinuousClock.now - callStarted
                        if stop.isRaised { return }
                        tally.report.withLock { report in
                            let micros = took.components.seconds * 1_000_000
                                + took.components.attoseconds / 1_000_000_000_000
                            _ = report.histogram.record(UInt64(max(micros, 1)))
                            switch outcome {
                            case .success(let result) where result.isError:
                                report.errors += 1
                                if report.firstError == nil { report.firstError = String(result.text.prefix(200)) }
                            case .failure(let error):
                                report.errors += 1
                                if report.firstError == nil {
                                    report.firstError = Redactor.shared.redact(String("\(error)".prefix(200)))
                                }
                            case .success:
                                break
                            }
                        }
                    }
                }
            }
            await group.waitForAll()
        }
        var final = tally.report.withLock { $0 }
        final.elapsed = ContinuousClock.now - started
        final.stopped = stop.isRaised
        return final
    }

    /// What the workers share: the next call's number and the report.
    private final class Tally: Sendable {
        let next = Atomic(0)
        let report = Mutex(Report())
    }
}
