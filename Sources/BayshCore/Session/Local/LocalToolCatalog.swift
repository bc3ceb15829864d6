import MCP

/// The tools a local session offers: the AgentBay `linux_latest` set, with the cloud's names, argument keys and
/// servers, each with a full JSON Schema and MCP annotations.
enum LocalToolCatalog {
    static let shellServer = "wuying_shell"
    static let fileServer = "wuying_filesystem"
    static let systemServer = "wuying_system"
    static let codeServer = "wuying_codespace"

    /// Longest a shell command may run, in ms; the cloud's SDK default (50 s) is the default.
    static let shellDefaultTimeoutMs = 50_000
    static let shellMaxTimeoutMs = 600_000

    static let tools: [ToolInfo] = [
        ToolInfo(
            name: "shell",
            description:
                "Runs a command with /bin/sh -c in the session workspace, inside the session's sandbox, and returns JSON {stdout, stderr, exit_code, traceId}. Every process the command starts is killed when it ends or times out.",
            inputSchema: schema(
                [
                    "command": string("The shell command line to run."),
                    "timeout_ms": .object([
                        "type": "integer", "description": "Milliseconds before the command is killed.",
                        "default": .int(shellDefaultTimeoutMs), "minimum": 1, "maximum": .int(shellMaxTimeoutMs),
                    ]),
                    "cwd": string("Folder to run in, relative to the workspace (default: the workspace)."),
                    "envs": .object([
                        "type": "object", "description": "Extra environment variables for the command.",
                        "additionalProperties": .object(["type": "string"]),
                    ]),
                ], required: ["command"]),
            server: shellServer,
            annotations: .init(title: "Run a shell command", readOnlyHint: false, destructiveHint: true,
                idempotentHint: false, openWorldHint: true)),
        ToolInfo(
            name: "read_file",
            description:
                "Reads a file in the workspace as UTF-8 text, or as base64 with format \"binary\". offset and length select a byte range.",
            inputSchema: schema(
                [
                    "path": path("File to read."),
                    "offset": .object([
                        "type": "integer", "description": "Byte offset to start at.", "default": 0, "minimum": 0,
                    ]),
                    "length": .object([
                        "type": "integer", "description": "Number of bytes to read (default: to the end).",
                        "minimum": 0,
                    ]),
                    "format": .object([
                        "type": "string", "description": "\"text\" (UTF-8) or \"binary\" (base64).",
                        "enum": ["text", "binary"], "default": "text",
                    ]),
                ], required: ["path"]),
            server: fileServer, annotations: reading("Read a file")),
        ToolInfo(
            name: "write_file",
            description:
                "Writes text to a file in the workspace, replacing it (mode overwrite) or adding to its end (mode append). The parent folder must exist.",
            inputSchema: schema(
                [
                    "path": path("File to write."),
                    "content": string("Text to write."),
                    "mode": .object([
                        "type": "string", "description": "overwrite replaces the file, append adds to its end.",
                        "enum": ["overwrite", "append"], "default": "overwrite",
                    ]),
                ], required: ["path", "content"]),
            server: fileServer, annotations: changing("Write a file", idempotent: false)),
        ToolInfo(
            name: "edit_file",
            description:
                "Replaces text in a file: each edit's oldText must occur exactly once. Returns a unified diff; dryRun shows it without writing.",
            inputSchema: schema(
                [
                    "path": path("File to edit."),
                    "edits": .object([
                        "type": "array", "description": "Replacements, applied in order.", "minItems": 1,
                        "items": schema(
                            [
                                "oldText": string("Exact text to find (must occur once)."),
                                "newText": string("Text to put in its place."),
                            ], required: ["oldText", "newText"]),
                    ]),
                    "dryRun": .object([
                        "type": "boolean", "description": "Show the diff without changing the file.",
                        "default": false,
                    ]),
                ], required: ["path", "edits"]),
            server: fileServer, annotations: changing("Edit a file", idempotent: false)),
        ToolInfo(
            name: "list_directory",
            description: "Lists a folder of the workspace: one `[DIR] name` or `[FILE] name` line per entry, sorted.",
            inputSchema: schema(["path": path("Folder to list ('.' for the workspace).")], required: ["path"]),
            server: fileServer, annotations: reading("List a folder")),
        ToolInfo(
            name: "create_directory",
            description: "Creates a folder in the workspace, with any missing parents. An existing folder is fine.",
            inputSchema: schema(["path": path("Folder to create.")], required: ["path"]),
            server: fileServer,
            annotations: .init(title: "Create a folder", readOnlyHint: false, destructiveHint: false,
                idempotentHint: true, openWorldHint: false)),
        ToolInfo(
            name: "move_file",
            description: "Moves or renames a file or folder inside the workspace. Refuses to replace an existing destination.",
            inputSchema: schema(
                ["source": path("What to move."), "destination": path("Where to put it (must not exist).")],
                required: ["source", "destination"]),
            server: fileServer, annotations: changing("Move a file", idempotent: false)),
        ToolInfo(
            name: "delete_file",
            description: "Deletes a file, symlink or empty folder in the workspace (a symlink itself, never its target).",
            inputSchema: schema(["path": path("File or empty folder to delete.")], required: ["path"]),
            server: fileServer, annotations: changing("Delete a file", idempotent: true)),
        ToolInfo(
            name: "search_files",
            description:
                "Finds files and folders below a folder whose names match a wildcard pattern (* ? [..], case-insensitive; a plain word matches names containing it). One workspace-relative path per line, or `No matches found`. Symlinked folders are not entered.",
            inputSchema: schema(
                [
                    "path": path("Folder to search from ('.' for the workspace)."),
                    "pattern": string("Wildcard pattern matched against names, e.g. *.swift."),
                    "excludePatterns": string(
                        "Comma-separated wildcard patterns matched against whole names or relative paths; matches are skipped with their contents."),
                ], required: ["path", "pattern"]),
            server: fileServer, annotations: reading("Search for files")),
        ToolInfo(
            name: "get_file_info",
            description:
                "Facts about a file or folder as `key: value` lines: name, path, size, modified, accessed, isDirectory, isFile, permissions.",
            inputSchema: schema(["path": path("File or folder.")], required: ["path"]),
            server: fileServer, annotations: reading("File facts")),
        ToolInfo(
            name: "read_multiple_files",
            description:
                "Reads several text files: `path: content` blocks separated by `---` lines. A file that cannot be read shows its error in its block.",
            inputSchema: schema(
                [
                    "paths": .object([
                        "type": "array", "description": "Files to read.", "minItems": 1,
                        "items": .object(["type": "string"]),
                    ])
                ], required: ["paths"]),
            server: fileServer, annotations: reading("Read files")),
        ToolInfo(
            name: "get_metrics",
            description:
                "CPU, memory, disk (of the workspace's file system) and network figures of this machine as JSON.",
            inputSchema: schema([:], required: []),
            server: systemServer,
            annotations: .init(title: "Machine metrics", readOnlyHint: true, destructiveHint: false,
                idempotentHint: false, openWorldHint: false)),
        ToolInfo(
            name: "run_code",
            description:
                "Runs Python or JavaScript code in the session workspace, inside the session's sandbox, and returns JSON {result, stdout, stderr, executionError, execution_count, execution_time}. Every process the code starts is killed when it ends or times out.",
            inputSchema: schema(
                [
                    "code": string("The program to run (read from stdin by python3 or node)."),
                    "language": .object([
                        "type": "string", "description": "The program's language.",
                        "enum": .array(RunCodeTool.languages.map { .string($0) }), "default": "python",
                    ]),
                    "timeout_s": .object([
                        "type": "integer", "description": "Seconds before the program is killed.",
                        "default": .int(RunCodeTool.defaultTimeoutS), "minimum": 1,
                        "maximum": .int(RunCodeTool.maxTimeoutS),
                    ]),
                ], required: ["code"]),
            server: codeServer,
            annotations: .init(title: "Run code", readOnlyHint: false, destructiveHint: true,
                idempotentHint: false, openWorldHint: true)),
    ]

    static func tool(named name: String) -> ToolInfo? {
        tools.first { $0.name == name }
    }

    private static func schema(_ properties: [String: Value], required: [String]) -> Value {
        .object([
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map { .string($0) }),
            "additionalProperties": false,
        ])
    }

    private static func string(_ description: String) -> Value {
        .object(["type": "string", "description": .string(description)])
    }

    private static func path(_ description: String) -> Value {
        string(description + " Relative to the workspace, or absolute inside it.")
    }

    private static func reading(_ title: String) -> Tool.Annotations {
        .init(title: title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)
    }

    private static func changing(_ title: String, idempotent: Bool) -> Tool.Annotations {
        .init(title: title, readOnlyHint: false, destructiveHint: true, idempotentHint: idempotent,
            openWorldHint: false)
    }
}
