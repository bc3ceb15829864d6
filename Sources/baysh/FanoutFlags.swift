import ArgumentParser
import BayshCore

/// `--fanout N` and its companions: one transcript replayed on many sessions at once.
struct FanoutFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "With --replay: run the transcript on N new sessions at once (N per image with --images); a table at the end.",
        valueName: "n"))
    var fanout: Int?

    @Option(help: ArgumentHelp("With --fanout: sessions created or replayed at once (default: min(N, 8)).",
        valueName: "p"))
    var parallel: Int?

    @Option(help: ArgumentHelp("With --fanout on AgentBay: run N sessions of each image.", valueName: "a,b"))
    var images: String?

    @Option(name: .customLong("create-timeout"), help: ArgumentHelp(
        "With --fanout: how long creating may wait for quota or throttling to clear (default 10m).",
        valueName: "duration"))
    var createTimeout: String?

    func validate(replay: String?) throws {
        guard let fanout else {
            for (flag, given) in [("--parallel", parallel != nil), ("--images", images != nil),
                ("--create-timeout", createTimeout != nil)] where given {
                throw ValidationError("\(flag) works with --fanout N")
            }
            return
        }
        if replay == nil { throw ValidationError("--fanout N replays a transcript; add --replay FILE") }
        if fanout < 1 { throw ValidationError("--fanout needs at least 1 session") }
        if let parallel, parallel < 1 { throw ValidationError("--parallel needs at least 1") }
        if let images, imageList(images).isEmpty { throw ValidationError("--images needs image ids: --images a,b") }
        if let createTimeout, DurationArgument.parse(createTimeout) == nil {
            throw ValidationError("--create-timeout '\(createTimeout)' is not a duration such as 90s, 10m or 1h")
        }
    }

    /// The plan, when `--fanout` is given.
    var plan: FanoutPlan? {
        guard let fanout else { return nil }
        return FanoutPlan(
            count: fanout, parallel: parallel, images: images.map(imageList) ?? [],
            creationDeadline: createTimeout.flatMap(DurationArgument.parse) ?? FanoutPlan.defaultCreationDeadline)
    }

    private func imageList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
