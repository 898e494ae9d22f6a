// Shared helpers for the export tests: the tiny models of Scripts/fixtures/export_reference.py
// (Fixtures/export/), the tiny tokenizers of Scripts/fixtures/tokenizer_reference.py (Fixtures/tokenizer/),
// scratch directories and logits of a fixed token sequence.
import Foundation
import Models
import ModelExport
import Tokenizers

enum ExportFixtures {
    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Fixtures/export.
    static let directory = root.appendingPathComponent("Fixtures/export")

    /// The tiny models: folder name and the tiny tokenizer paired with it.
    static let models: [(folder: String, tokenizer: String)] = [("tiny_llama", "tiny_smollm"), ("tiny_qwen2", "tiny_qwen2")]

    /// A tiny tokenizer from Fixtures/tokenizer.
    static func tokenizer(_ name: String) throws -> BPETokenizer {
        try BPETokenizer(tokenizerJSON: root.appendingPathComponent("Fixtures/tokenizer/\(name)/tokenizer.json"))
    }

    /// A tiny model with its tokenizer.
    static func source(_ folder: String, tokenizer: String) throws -> ExportableModel {
        let model = try LlamaModel.load(huggingFaceDirectory: directory.appendingPathComponent(folder))
        return ExportableModel(model: model, tokenizer: try Self.tokenizer(tokenizer), name: folder)
    }

    /// A fresh scratch directory under the system temporary directory.
    static func scratch(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("r1-export-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fixed sequence of 12 token ids below `vocabulary`.
    static func tokens(vocabulary: Int) -> [Int32] {
        (0..<12).map { Int32(($0 * 37 + 11) % vocabulary) }
    }

    /// Logits [T, V] of `tokens` (one sequence).
    static func logits(_ model: LlamaModel, _ tokens: [Int32]) -> [Float] {
        model.logits(TokenBatch(rightPadding: [tokens]))
    }

    /// max |a − b| / max |b|.
    static func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
        var worst: Float = 0, scale: Float = 0
        for i in a.indices {
            worst = max(worst, abs(a[i] - b[i]))
            scale = max(scale, abs(b[i]))
        }
        return worst / max(scale, .leastNormalMagnitude)
    }
}
