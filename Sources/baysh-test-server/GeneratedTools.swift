import BayshCore
import MCP

/// Many tools with schemas shaped like real servers' (descriptions, enums, bounds, arrays, a nested object), for
/// measuring what a big tool list costs baysh.
enum GeneratedTools {
    static func make(count: Int) -> [ToolInfo] {
        (0..<count).map(tool)
    }

    private static func tool(_ number: Int) -> ToolInfo {
        let area = ["files", "browser", "shell", "search", "mail", "calendar", "images", "database"][number % 8]
        let schema: Value = .object([
            "type": "object",
            "properties": .object([
                "path": .object([
                    "type": "string", "description": "Absolute path of the item to work on, inside the workspace.",
                ]),
                "limit": .object([
                    "type": "integer", "minimum": 1, "maximum": 1000, "default": 100,
                    "description": "How many entries to return at most.",
                ]),
                "mode": .object([
                    "type": "string", "enum": ["fast", "thorough", "dry-run"],
                    "description": "How much work to do.",
                ]),
                "recursive": .object(["type": "boolean", "description": "Descend into sub-folders."]),
                "tags": .object([
                    "type": "array", "items": .object(["type": "string"]),
                    "description": "Labels to attach to the result.",
                ]),
                "filter": .object([
                    "type": "object",
                    "properties": .object([
                        "kind": .object(["type": "string", "enum": ["file", "folder", "link"]]),
                        "newer_than": .object(["type": "string", "description": "An ISO 8601 time."]),
                    ]),
                    "additionalProperties": false,
                ]),
            ]),
            "required": ["path"],
            "additionalProperties": false,
        ])
        return ToolInfo(
            name: "\(area)_action_\(number)",
            description: "Runs action \(number) of the \(area) service on one item.\n"
                + "Returns a JSON summary of what changed; nothing changes with mode=dry-run.",
            inputSchema: schema,
            annotations: .init(readOnlyHint: number % 3 == 0, destructiveHint: number % 3 != 0))
    }
}
