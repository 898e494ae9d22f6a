// Loads the reference fixtures written by Scripts/fixtures/tokenizer_reference.py (Fixtures/tokenizer/).
import Foundation
import Tokenizers

enum TokenizerFixtures {
    /// Fixtures/tokenizer in the repository that holds this test file.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tokenizer")

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func tiny(_ name: String) throws -> BPETokenizer {
        try BPETokenizer(tokenizerJSON: directory.appendingPathComponent("\(name)/tokenizer.json"))
    }

    struct DecodeCase: Decodable {
        var ids: [Int32]
        var text: String
        var text_skip_special: String?
    }

    struct TinyExpected: Decodable {
        var vocab_size: Int
        var ids: [[Int32]]
        var ids_with_special: [[Int32]]
        var decode_cases: [DecodeCase]
    }

    /// tiny_expected.json: one entry per tiny tokenizer plus the shared corpus (parsed once per process).
    static func tinyExpected() throws -> (corpus: [String], byName: [String: TinyExpected]) {
        try tinyExpectedCache.get()
    }

    private static let tinyExpectedCache = Result { () throws -> ([String], [String: TinyExpected]) in
        let data = try Data(contentsOf: directory.appendingPathComponent("tiny_expected.json"))
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let corpus = root["corpus"] as? [String] ?? []
        var byName: [String: TinyExpected] = [:]
        for (key, value) in root where key != "corpus" {
            byName[key] = try JSONDecoder().decode(TinyExpected.self, from: JSONSerialization.data(withJSONObject: value))
        }
        return (corpus, byName)
    }
}

/// Exact comparison by Unicode scalars (Swift's `==` on strings uses canonical equivalence).
func sameScalars(_ a: String, _ b: String) -> Bool {
    Array(a.unicodeScalars) == Array(b.unicodeScalars)
}
