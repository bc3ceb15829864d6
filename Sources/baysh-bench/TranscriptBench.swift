import BayshCore
import Foundation

/// How fast a recorded transcript replays with `--check`: a 10,000-line transcript recorded against a local
/// session, then replayed and compared entry by entry against a fresh one in process, and against a fresh one
/// served by SessionServer (the code of `baysh serve`) in a child process over stdio.
enum TranscriptBench: BenchSection {
    static let title = "transcript replay"

    static func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bench.txt").path

        let recording = try LocalSession.create(dataHome: folder.appendingPathComponent("data"))
        let (recorded, recordSeconds) = try await record(lines: 10_000, to: path, session: recording)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count
        print("recorded \(lines) lines (\(recorded) commands) in \(format(recordSeconds)) s: "
            + "\(Measure.grouped(Double(recorded) / recordSeconds)) commands/s")

        let transcript = try TranscriptReader().read(path: path)
        let local = try LocalSession.create(dataHome: folder.appendingPathComponent("data"))
        let (summary, seconds) = await replay(transcript, file: path, session: local)
        report("local session", lines: lines, summary, seconds)

        // The same transcript against a local session behind SessionServer in a child process, over stdio.
        let server = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("baysh-test-server").path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            print("SessionServer over stdio: skipped, \(server) is missing (build the baysh-test-server product)")
            return
        }
        let served = try await MCPSession.connect(.stdio(
            command: [server, "--local"],
            environment: ["XDG_DATA_HOME": folder.appendingPathComponent("served").path]))
        let (servedSummary, servedSeconds) = await replay(transcript, file: path, session: served)
        report("SessionServer (baysh serve) over stdio", lines: lines, servedSummary, servedSeconds)
    }

    private static func report(_ target: String, lines: Int, _ summary: ReplaySummary, _ seconds: Double) {
        guard summary.status == 0 else {
            print("\(target): the replay differed or failed (\(summary.differed) differ, \(summary.failed) failed)")
            return
        }
        print("\(target): \(lines)-line transcript replayed with --check in \(format(seconds)) s: "
            + "\(Measure.grouped(Double(summary.run) / seconds)) commands/s, "
            + "\(Measure.grouped(Double(lines) / seconds)) lines/s")
    }

    /// Records write_file / read_file pairs until the transcript holds `lines` lines (the session is deleted at the
    /// end); gives the command count and the seconds it took.
    static func record(lines: Int, to path: String, session: any Session) async throws -> (Int, Double) {
        let shell = quietShell(session)
        let recorder = TranscriptRecorder { print($0) }
        try recorder.start(path: path, header: TranscriptHeader(recording: session.descriptor))
        shell.observer = recorder
        let header = TranscriptHeader(recording: session.descriptor).text.split(separator: "\n").count
        let commands = (lines - header) / 2
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        // The script ends by deleting the session, as a replay run does.
        _ = await shell.run { shell in
            let start = clock.now
            for index in 0..<commands {
                let file = "f\(index % 50).txt"
                await shell.execute(
                    index.isMultiple(of: 2) ? "write_file path=\(file) content='line \(index)'" : "read_file path=\(file)")
            }
            elapsed = clock.now - start
            return 0
        }
        return (commands, seconds(elapsed))
    }

    /// Replays `transcript` with `--check` in a shell over `session` (deleted at the end, as `--replay` does);
    /// gives the summary and the seconds it took.
    static func replay(_ transcript: Transcript, file: String, session: any Session) async -> (ReplaySummary, Double) {
        let shell = quietShell(session)
        let replay = TranscriptReplay(transcript: transcript, file: file, options: ReplayOptions(check: true))
        var summary = ReplaySummary()
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        _ = await shell.run { shell in
            let start = clock.now
            summary = await replay.run(in: shell)
            elapsed = clock.now - start
            return summary.status
        }
        return (summary, seconds(elapsed))
    }

    /// A shell that prints nothing and keeps no history, with a Ctrl-C dispatcher of its own.
    private static func quietShell(_ session: any Session) -> Shell {
        Shell(
            session: session, editor: PlainLineReader { nil }, writer: TerminalWriter { _, _ in },
            options: Shell.Options(historyEnabled: false, interrupts: InterruptSignal()))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func format(_ seconds: Double) -> String { String(format: "%.2f", seconds) }
}
