// The real SmolLM2-135M-Instruct (Q4_1 GGUF) against an independent numpy forward over the same dequantized
// weights (Scripts/fixtures/engine_smollm2_reference.py → Fixtures/engine/smollm2_reference.json).
// The numpy side uses llama.cpp's interleaved RoPE on the raw permuted weights; the Swift side un-permutes
// Q/K on load and uses HF rotate-half RoPE, so agreement also checks the un-permutation.
import Foundation
import Testing
import Models
import TensorEngine

@Suite(.serialized) struct LlamaRealModelTests {
    struct Reference: Decodable {
        struct Position: Decodable {
            let position: Int
            let top_ids: [Int]
            let top_logits: [Float]
            let first_logits: [Float]
        }
        let prompt: [Int32]
        let positions: [Position]
        let greedy: [Int32]
    }

    static func reference() throws -> Reference {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            let url = directory.appendingPathComponent("Fixtures/engine/smollm2_reference.json")
            if FileManager.default.fileExists(atPath: url.path) { return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url)) }
            directory = directory.deletingLastPathComponent()
        }
        throw ModelError.unreadable(source: "Fixtures/engine/smollm2_reference.json", reason: "not found above \(#filePath)")
    }

    /// Worst |swift − numpy| / max(|numpy|, 1) over the given logits.
    static func worstError(_ logits: ArraySlice<Float>, ids: [Int], expected: [Float]) -> Float {
        var worst: Float = 0
        for (id, value) in zip(ids, expected) { worst = max(worst, abs(logits[logits.startIndex + id] - value) / max(abs(value), 1)) }
        return worst
    }

    @Test func logitsMatchNumpyForward() throws {
        let model = try LlamaModel.load(gguf: ModelLocator.smolLM2())
        let reference = try Self.reference()
        #expect(model.configuration.hiddenSize == 576 && model.configuration.kvHeadCount == 3 && model.configuration.tieWordEmbeddings)
        let v = model.configuration.vocabularySize
        let logits = model.logits(TokenBatch(tokens: reference.prompt, batch: 1, length: reference.prompt.count))
        for p in reference.positions {
            let row = logits[(p.position * v)..<((p.position + 1) * v)]
            let top = Self.worstError(row, ids: p.top_ids, expected: p.top_logits)
            let first = Self.worstError(row, ids: Array(0..<p.first_logits.count), expected: p.first_logits)
            #expect(top < 1e-4, "position \(p.position): top-20 logits differ by \(top) (relative)")
            #expect(first < 1e-4, "position \(p.position): first logits differ by \(first) (relative)")
            #expect(row.indices.max { row[$0] < row[$1] }! - row.startIndex == p.top_ids[0])
        }
    }

    @Test func greedyContinuationMatchesNumpy() throws {
        let model = try LlamaModel.load(gguf: ModelLocator.smolLM2())
        let reference = try Self.reference()
        let v = model.configuration.vocabularySize
        let cache = KVCache(configuration: model.configuration, slots: 2, capacity: 64)
        var logits = model.prefill(tokens: reference.prompt, slot: 1, cache: cache)
        var generated: [Int32] = []
        var row = [Float](repeating: 0, count: v)
        for _ in 0..<reference.greedy.count {
            let next = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
            generated.append(next)
            model.decodeStep(tokens: [next], slots: [1], cache: cache, logits: &row)
            logits = row
        }
        #expect(generated == reference.greedy)
    }
}
