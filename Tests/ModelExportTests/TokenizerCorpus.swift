// The varied corpus the tokenizer round trips encode: Fixtures/tokenizer/tiny_expected.json's corpus
// (written by Scripts/fixtures/tokenizer_reference.py: digits, contractions, whitespace runs, CJK, emoji,
// special tokens inside text) plus a few chat-shaped lines.
import Foundation

enum TokenizerCorpus {
    /// The texts.
    static func texts() throws -> [String] {
        let url = ExportFixtures.root.appendingPathComponent("Fixtures/tokenizer/tiny_expected.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        let corpus = root["corpus"] as? [String] ?? []
        return corpus + ["<|im_start|>user\nWhat is 12 + 7?<|im_end|>\n<|im_start|>assistant\n", "x = 3.14159; y = 2e10"]
    }
}
