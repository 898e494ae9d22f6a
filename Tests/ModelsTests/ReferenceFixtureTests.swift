// Logits and log-probs against the independent numpy forward in Scripts/fixtures/engine_llama_reference.py
// (fixtures in Fixtures/engine/), loading the same weights from safetensors and from a llama.cpp-style GGUF.
import Foundation
import ModelFormats
import Testing
@testable import Models

@Suite struct ReferenceFixtureTests {
    struct Reference: Decodable {
        let tokens: [Int32]
        let logits: [Float]
        let batch_tokens: [Int32]
        let batch_attention_mask: [Float]
        let temperature: Float
        let batch_logprobs: [Float]
    }

    static func fixtures() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("Fixtures/engine")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("tiny_reference.json").path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw ModelError.unreadable(source: "Fixtures/engine", reason: "not found above \(#filePath)")
    }

    static func reference(_ name: String) throws -> Reference {
        let data = try Data(contentsOf: fixtures().appendingPathComponent("tiny_reference.json"))
        return try JSONDecoder().decode([String: Reference].self, from: data)[name]!
    }

    static func check(_ model: LlamaModel, _ reference: Reference) {
        let logits = model.logits(TokenBatch(tokens: reference.tokens, batch: 1, length: reference.tokens.count))
        #expect(maxRelativeDifference(logits, reference.logits, atol: 1e-4) < 1e-3)
        let batch = TokenBatch(tokens: reference.batch_tokens, batch: 2, length: reference.tokens.count,
                               attentionMask: reference.batch_attention_mask)
        let logProbs = model.tokenLogProbs(batch, temperature: reference.temperature, keepActivations: false)
        #expect(maxRelativeDifference(logProbs, reference.batch_logprobs, atol: 1e-4) < 1e-3)
        // Cached inference agrees too.
        let cache = KVCache(configuration: model.configuration, slots: 1, capacity: 16)
        let last = model.prefill(tokens: reference.tokens, slot: 0, cache: cache)
        let v = model.configuration.vocabularySize
        #expect(maxRelativeDifference(last, Array(reference.logits[(reference.logits.count - v)...]), atol: 1e-4) < 1e-3)
    }

    @Test(arguments: ["tiny_llama", "tiny_qwen2"]) func safetensorsModelMatchesNumpy(name: String) throws {
        let model = try LlamaModel.load(huggingFaceDirectory: Self.fixtures().appendingPathComponent(name))
        #expect(model.configuration.modelType == (name == "tiny_llama" ? "llama" : "qwen2"))
        #expect(model.configuration.attentionBias == (name == "tiny_qwen2"))
        Self.check(model, try Self.reference(name))
    }

    @Test func ggufWithPermutedQKMatchesNumpy() throws {
        let model = try LlamaModel.load(gguf: Self.fixtures().appendingPathComponent("tiny_llama.gguf"))
        let hf = try LlamaModel.load(huggingFaceDirectory: Self.fixtures().appendingPathComponent("tiny_llama"))
        #expect(model.configuration == hf.configuration)
        #expect(Array(model.parameters.flat) == Array(hf.parameters.flat))
        Self.check(model, try Self.reference("tiny_llama"))
    }

    @Test func missingTensorIsNamed() throws {
        let file = try SafetensorsFile(url: Self.fixtures().appendingPathComponent("tiny_llama/model.safetensors"))
        var configuration = try JSONDecoder().decode(LlamaConfiguration.self, from: Data(contentsOf:
            Self.fixtures().appendingPathComponent("tiny_llama/config.json")))
        configuration.layerCount = 3
        let model = try LlamaModel(configuration: configuration)
        #expect(throws: ModelError.missingTensor(name: "model.layers.2.input_layernorm.weight", source: "model.safetensors")) {
            try model.loadWeights(from: [file])
        }
    }
}
