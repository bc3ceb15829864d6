import BayshCore
import MCP

/// Completion and hint latency per keystroke for a 10,000-tool list whose tools have 50-property schemas (the
/// target is p99 under 1 ms).
enum CompletionBench: BenchSection {
    static let title = "completion"

    static func run() async throws {
        let tools = makeTools()
        let index = ToolIndex(tools)
        var random = SplitMix(seed: 42)
        // What a person types, keystroke by keystroke, at the start of a line and after a tool name.
        var lines: [(String, Bool)] = []
        for _ in 0..<4000 {
            let tool = tools[Int(random.next() % UInt64(tools.count))].name
            let required = "p00=a p01=1 "
            lines += [
                (String(tool.prefix(2)), false), (String(tool.prefix(5)), false), (tool, false),
                (tool + " ", true), (tool + " p1", false), (tool + " " + required, true),
                (tool + " " + required + "p07=", false), (tool + " " + required + "p07=o", false),
                (tool + " " + required + "p03=", false),
            ]
        }
        var completion: [Duration] = []
        var hints: [Duration] = []
        let clock = ContinuousClock()
        for (line, hint) in lines {
            completion.append(clock.measure {
                _ = Completer.complete(line: line, cursor: line.count, tools: index, listDirectory: { _ in [] })
            })
            if hint {
                hints.append(clock.measure { _ = Hinter.hint(line: line, tools: index) })
            }
        }
        print("completion, \(tools.count) tools × 50 properties: " + summary(completion))
        print("hints, \(tools.count) tools × 50 properties:      " + summary(hints))
    }

    private static func summary(_ samples: [Duration]) -> String {
        let sorted = samples.sorted()
        func percentile(_ fraction: Double) -> String {
            let value = sorted[min(Int(Double(sorted.count) * fraction), sorted.count - 1)]
            return String(format: "%.1f µs", value.inSeconds * 1e6)
        }
        return "p50 \(percentile(0.5)), p99 \(percentile(0.99)) over \(samples.count) keystrokes"
    }

    /// Names like `get_invoice_17`, 10,000 of them; each schema has 5 required and 45 optional properties of
    /// mixed types, among them enums and booleans.
    private static func makeTools() -> [ToolInfo] {
        let verbs = ["get", "list", "create", "update", "delete", "search", "export", "import", "sync", "watch",
            "start", "stop", "describe", "attach", "detach", "tag", "untag", "copy", "move", "archive"]
        let nouns = ["invoice", "user", "order", "file", "bucket", "cluster", "node", "pod", "secret", "volume",
            "image", "job", "queue", "topic", "table", "index", "report", "alert", "ticket", "repo", "branch",
            "build", "release", "domain", "certificate"]
        var tools: [ToolInfo] = []
        for verb in verbs {
            for noun in nouns {
                for number in 0..<20 {
                    tools.append(ToolInfo(
                        name: "\(verb)_\(noun)_\(number)", description: "\(verb) a \(noun) (variant \(number))",
                        inputSchema: schema()))
                }
            }
        }
        return tools
    }

    private static func schema() -> Value {
        var properties: [String: Value] = [:]
        for number in 0..<50 {
            let name = number < 10 ? "p0\(number)" : "p\(number)"
            switch number % 5 {
            case 0: properties[name] = ["type": "string", "description": "text parameter \(number)"]
            case 1: properties[name] = ["type": "integer", "minimum": 0]
            case 2: properties[name] = ["enum": ["one", "other", "third"], "description": "a choice"]
            case 3: properties[name] = ["type": "boolean"]
            default: properties[name] = ["type": "array", "items": ["type": "string"]]
            }
        }
        return ["type": "object", "properties": .object(properties), "required": ["p00", "p01", "p02", "p03", "p04"]]
    }
}

/// A small deterministic random source, so every run measures the same keystrokes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

extension Duration {
    fileprivate var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
