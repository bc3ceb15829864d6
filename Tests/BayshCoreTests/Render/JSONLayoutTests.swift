import Foundation
import Testing

@testable import BayshCore

/// Pretty-printing JSON text: characters beyond ASCII inside strings are kept, and a big document takes time in
/// proportion to its size (it once took 88 s for 3 MB).
@Suite struct JSONLayoutTests {
    @Test func textBeyondASCIIInStringsIsKept() {
        let text = #"{ "名前" : ["é\"{,}", {"😀":[ ]}],"n":1.0 }"#
        #expect(JSONLayout.pretty(text) == "{\n  \"名前\": [\n    \"é\\\"{,}\",\n    {\n      \"😀\": []\n    }\n  ],\n  \"n\": 1.0\n}")
    }

    @Test func aBigDocumentIsLaidOutQuickly() throws {
        let item = #"{"id":1,"name":"item","tags":["a","b"],"value":1.5}"#
        let text = "[" + Array(repeating: item, count: 60_000).joined(separator: ",") + "]"
        let started = ContinuousClock.now
        let pretty = try #require(JSONLayout.pretty(text))
        // Well under a second on this machine even in a debug build; the bound leaves room for load.
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(pretty.hasPrefix("[\n  {\n    \"id\": 1,\n    \"name\": \"item\",\n    \"tags\": [\n      \"a\","))
        #expect(pretty.split(separator: "\n").count == 60_000 * 9 + 2)
    }

    @Test func aDocumentTooBigToLayOutIsLeftAsItCame() {
        let text = "[" + String(repeating: "1,", count: JSONLayout.largestLaidOut / 2) + "1]"
        #expect(JSONLayout.pretty(text) == nil)
        #expect(JSONLayout.pretty("[1,2]") == "[\n  1,\n  2\n]")
    }
}
