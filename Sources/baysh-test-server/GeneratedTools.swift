import BayshCore
import MCP

/// Many tools with schemas shaped like real servers', for measuring what a big tool list costs baysh.
///
/// Like a real server's, the tools of one area share most of their argument schemas (every `files_*` tool takes
/// the same `path`), but no two tools have the same schema: each takes its own subset of the area's arguments,
/// its own required ones, its own bounds and enum members, and arguments and descriptions that name the tool. So
/// sharing identical subtrees helps as much as it would with a real list, and no more.
enum GeneratedTools {
    static func make(count: Int) -> [ToolInfo] {
        (0..<count).map(tool)
    }

    /// An area of a made-up server: its common arguments, the first one always given and required.
    private struct Area {
        var name: String
        var common: [(String, Value)]
    }

    private static let areas: [Area] = [
        Area(name: "files", common: [
            ("path", string("Absolute path of the item to work on, inside the workspace.")),
            ("recursive", boolean("Descend into sub-folders.")),
            ("encoding", choice(["utf-8", "latin-1", "binary"], "How to read the bytes.")),
            ("filter", object([
                ("kind", choice(["file", "folder", "link"], nil)),
                ("newer_than", string("An ISO 8601 time.", format: "date-time")),
            ])),
        ]),
        Area(name: "browser", common: [
            ("url", string("The page to open.", format: "uri")),
            ("selector", string("A CSS selector for the element.")),
            ("wait_until", choice(["load", "domcontentloaded", "networkidle"], "When the page counts as loaded.")),
            ("viewport", object([("width", integer(320, 3840, nil)), ("height", integer(240, 2160, nil))])),
        ]),
        Area(name: "shell", common: [
            ("command", string("The command line to run with /bin/sh -c.")),
            ("cwd", string("Working folder; the workspace root when left out.")),
            ("envs", .object([
                "type": "object", "additionalProperties": .object(["type": "string"]),
                "description": "Extra environment variables.",
            ])),
            ("timeout_ms", integer(100, 600_000, "Give up after this many milliseconds.")),
        ]),
        Area(name: "search", common: [
            ("query", string("What to look for; quotes group words.")),
            ("cursor", string("The next_cursor of the previous page.")),
            ("sort", choice(["relevance", "newest", "oldest"], "Order of the hits.")),
            ("fields", array(choice(["title", "body", "author", "tags"], nil), "Fields to search in.")),
        ]),
        Area(name: "mail", common: [
            ("to", array(string(nil, format: "email"), "Recipients.")),
            ("subject", string("Subject line.")),
            ("body", string("Plain-text body.")),
            ("attachments", array(object([
                ("name", string("File name as the recipient sees it.")),
                ("content_base64", string("The bytes, base64.")),
            ]), "Files to attach.")),
        ]),
        Area(name: "calendar", common: [
            ("start", string("Start of the event.", format: "date-time")),
            ("end", string("End of the event.", format: "date-time")),
            ("attendees", array(string(nil, format: "email"), "Who to invite.")),
            ("recurrence", choice(["none", "daily", "weekly", "monthly"], "How the event repeats.")),
        ]),
        Area(name: "images", common: [
            ("image", string("The image, base64 or a workspace path.")),
            ("width", integer(1, 8192, "Width in pixels.")),
            ("height", integer(1, 8192, "Height in pixels.")),
            ("format", choice(["png", "jpeg", "webp"], "Output format.")),
        ]),
        Area(name: "database", common: [
            ("sql", string("One SQL statement.")),
            ("params", .object(["type": "array", "description": "Values for the statement's ? placeholders."])),
            ("database", string("Database name; the default one when left out.")),
            ("read_only", boolean("Run in a read-only transaction.")),
        ]),
    ]

    private static let modes = ["fast", "thorough", "dry-run", "incremental", "full", "preview", "strict", "lenient"]

    private static func tool(_ number: Int) -> ToolInfo {
        let area = areas[number % areas.count]
        // Which of the area's arguments a tool takes and requires varies from tool to tool, as on a real server.
        let variant = number / areas.count
        var properties: [String: Value] = [:]
        var required = [area.common[0].0]
        for (index, (name, schema)) in area.common.enumerated() where index == 0 || (variant >> index) & 1 == 1 {
            properties[name] = schema
            if index == 1, (variant >> 4) & 1 == 1 { required.append(name) }
        }
        // Bounds, enum members and descriptions of the tool's own.
        let maximum = 50 + (number * 37) % 950
        properties["limit"] = .object([
            "type": "integer", "minimum": 1, "maximum": .int(maximum), "default": .int(min(100, maximum)),
            "description": "How many entries to return at most (up to \(maximum)).",
        ])
        let first = number % modes.count
        properties["mode"] = choice(
            [modes[first], modes[(first + 1 + variant % 3) % modes.count], modes[(first + 5) % modes.count]],
            "How much work to do.")
        properties["\(area.name)_\(number)_id"] = string(
            "Identifier of the \(area.name) item that action \(number) works on, as listed by list_\(area.name).")
        let schema: Value = .object([
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map { .string($0) }),
            "additionalProperties": false,
        ])
        return ToolInfo(
            name: "\(area.name)_action_\(number)",
            description: "Runs action \(number) of the \(area.name) service on one item.\n"
                + "Returns a JSON summary of what changed; nothing changes with mode=dry-run.",
            inputSchema: schema,
            annotations: .init(readOnlyHint: number % 3 == 0, destructiveHint: number % 3 != 0))
    }

    private static func string(_ description: String?, format: String? = nil) -> Value {
        var members: [String: Value] = ["type": "string"]
        if let description { members["description"] = .string(description) }
        if let format { members["format"] = .string(format) }
        return .object(members)
    }

    private static func boolean(_ description: String) -> Value {
        .object(["type": "boolean", "description": .string(description)])
    }

    private static func integer(_ minimum: Int, _ maximum: Int, _ description: String?) -> Value {
        var members: [String: Value] = ["type": "integer", "minimum": .int(minimum), "maximum": .int(maximum)]
        if let description { members["description"] = .string(description) }
        return .object(members)
    }

    private static func choice(_ members: [String], _ description: String?) -> Value {
        var schema: [String: Value] = ["type": "string", "enum": .array(members.map { .string($0) })]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    private static func array(_ items: Value, _ description: String) -> Value {
        .object(["type": "array", "items": items, "description": .string(description)])
    }

    private static func object(_ properties: [(String, Value)]) -> Value {
        .object([
            "type": "object",
            "properties": .object(Dictionary(uniqueKeysWithValues: properties)),
            "additionalProperties": false,
        ])
    }
}
