import BayshCore
import Foundation
import MCP

/// How fast a typed line becomes a validated arguments object, and back.
enum CallLineBench: BenchSection {
    static let title = "call line"

    /// A tool schema with the shapes real servers send: `$ref`, `anyOf`, nested objects, arrays and enums.
    static let schema: Value = [
        "type": "object",
        "required": ["path", "mode"],
        "additionalProperties": false,
        "properties": [
            "path": ["type": "string", "pattern": "^/", "minLength": 1],
            "mode": ["enum": ["read", "write", "append"]],
            "count": ["type": "integer", "minimum": 1, "maximum": 1000],
            "ratio": ["type": "number", "exclusiveMinimum": 0, "maximum": 1],
            "verbose": ["type": "boolean"],
            "tags": ["type": "array", "items": ["type": "string", "maxLength": 16], "maxItems": 8],
            "ids": ["type": "array", "items": ["type": "integer"]],
            "filter": ["$ref": "#/$defs/Filter"],
            "when": ["anyOf": [["type": "integer"], ["type": "string", "enum": ["now", "later"]]]],
            "note": ["type": ["string", "null"]],
            "env": ["type": "object", "additionalProperties": ["type": "string"]],
            "depth": ["type": "integer"],
            "label": ["type": "string", "minLength": 2],
            "retries": ["oneOf": [["type": "integer", "minimum": 0], ["type": "null"]]],
            "timeout": ["type": "number"],
        ],
        "$defs": [
            "Filter": [
                "type": "object",
                "required": ["limit"],
                "properties": [
                    "limit": ["type": "integer", "minimum": 0],
                    "name": ["type": "string"],
                    "kinds": ["type": "array", "items": ["$ref": "#/$defs/Kind"]],
                ],
            ],
            "Kind": ["enum": ["info", "warn", "error"]],
        ],
    ]

    /// Twenty arguments using every form but files.
    static let line = #"read_file /var/log/syslog mode=read count=25 ratio=0.75 verbose=yes tags=alpha tags=beta "#
        + #"tags[]=gamma ids:=[1,2,3] filter.limit=10 filter.name='error lines' filter.kinds:=["warn","error"] "#
        + #"when=now note=null env.HOME=/root env.LANG=C.UTF-8 depth=3 label="a label" retries=2 timeout=30.5"#

    static func run() async throws {
        let resolver = ArgumentResolver(schema: schema)
        let call = try CallLine.parse(line)
        let resolved = try resolver.resolve(call)
        precondition(call.arguments.count == 20 && resolved.arguments.count == 15, "benchmark line changed")

        let parseAndResolve = try Measure.rate { _ = try resolver.resolve(try CallLine.parse(line)) }
        print("parse+resolve, 20 arguments, nested schema: \(Measure.grouped(parseAndResolve.perSecond)) lines/s"
            + " (\(parseAndResolve.operations) lines in \(String(format: "%.2f", parseAndResolve.seconds)) s)")

        let parseOnly = try Measure.rate { _ = try CallLine.parse(line) }
        print("parse only: \(Measure.grouped(parseOnly.perSecond)) lines/s")

        let render = Measure.rate {
            _ = CallLineRenderer.render(tool: resolved.tool, arguments: resolved.arguments, schema: schema)
        }
        print("render (with its round-trip check): \(Measure.grouped(render.perSecond)) lines/s")
    }
}
