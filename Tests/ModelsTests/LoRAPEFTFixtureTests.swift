// LoRA against PEFT itself (Scripts/fixtures/lora_peft_reference.py → Fixtures/lora/): our tensor names for an
// adapter equal the names PEFT saved, PEFT's adapter directories load, and the adapted and merged logits
// equal PEFT's (eval mode) for an all-linear adapter (α/r) and a q/v rsLoRA adapter (α/√r).
import Foundation
import Testing
@testable import Models

@Suite struct LoRAPEFTFixtureTests {
    struct AdapterReference: Decodable {
        let tensors: [String: [Int]]
        let r: Int
        let lora_alpha: Double
        let use_rslora: Bool
        let adapted_logits: [Float]
        let merged_logits: [Float]
    }

    struct Reference: Decodable {
        let tokens: [Int32]
        let base_logits: [Float]
        let adapters: [String: AdapterReference]
    }

    static func fixtures() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("Fixtures/lora")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("peft_reference.json").path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw ModelError.unreadable(source: "Fixtures/lora", reason: "not found above \(#filePath)")
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures().appendingPathComponent("peft_reference.json")))
    }

    static func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test(arguments: ["adapter_all_linear", "adapter_qv_rslora"]) func matchesPEFT(name: String) throws {
        let reference = try Self.reference()
        let expected = try #require(reference.adapters[name])
        let model = try LlamaModel.load(huggingFaceDirectory: Self.fixtures().appendingPathComponent("tiny_llama"))
        let batch = TokenBatch(tokens: reference.tokens, batch: 1, length: reference.tokens.count)
        #expect(Self.maxAbsoluteDifference(model.logits(batch), reference.base_logits) < 1e-4)
        let adapter = try LoRAAdapter.load(from: Self.fixtures().appendingPathComponent(name), modelConfiguration: model.configuration)
        // Naming: the names and shapes we would write equal the ones PEFT wrote.
        let ours = Dictionary(uniqueKeysWithValues: adapter.parameters.layout.entries.map { ($0.name, $0.shape) })
        #expect(ours == expected.tensors)
        #expect(adapter.configuration.rank == expected.r)
        #expect(adapter.configuration.useRSLoRA == expected.use_rslora)
        let scale = expected.use_rslora ? expected.lora_alpha / Double(expected.r).squareRoot() : expected.lora_alpha / Double(expected.r)
        #expect(abs(Double(adapter.scale) - scale) < 1e-6)
        try model.attachAdapter(adapter)
        let adapted = model.logits(batch)
        #expect(Self.maxAbsoluteDifference(adapted, expected.adapted_logits) < 1e-4)
        #expect(Self.maxAbsoluteDifference(adapted, reference.base_logits) > 1e-2)
        try model.mergeAndDetachAdapter()
        #expect(Self.maxAbsoluteDifference(model.logits(batch), expected.merged_logits) < 1e-4)
    }
}
