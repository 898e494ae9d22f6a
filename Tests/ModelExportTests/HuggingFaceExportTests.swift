// HF folder export: reload with LlamaModel.load(huggingFaceDirectory:) and BPETokenizer(tokenizerJSON:);
// weights and logits must be identical for F32 and equal to the rounded weights for F16 / BF16.
import Foundation
import ModelFormats
import Models
import ModelExport
import Testing
import Tokenizers

@Suite struct HuggingFaceExportTests {
    @Test(arguments: ExportFixtures.models.map(\.folder))
    func f32RoundTripGivesIdenticalWeightsAndLogits(folder: String) throws {
        let pair = ExportFixtures.models.first { $0.folder == folder }!
        let source = try ExportFixtures.source(pair.folder, tokenizer: pair.tokenizer)
        let out = try ExportFixtures.scratch("hf-\(folder)")
        defer { try? FileManager.default.removeItem(at: out) }
        let files = try HuggingFaceExporter.write(source, to: out, dtype: .f32)
        #expect(Set(files.map(\.lastPathComponent)) == ["model.safetensors", "config.json", "generation_config.json",
                                                        "tokenizer.json", "tokenizer_config.json"])
        let reloaded = try LlamaModel.load(huggingFaceDirectory: out)
        #expect(reloaded.configuration == source.configuration)
        #expect(Array(reloaded.parameters.flat) == Array(source.model.parameters.flat))
        let tokens = ExportFixtures.tokens(vocabulary: source.configuration.vocabularySize)
        #expect(ExportFixtures.logits(reloaded, tokens) == ExportFixtures.logits(source.model, tokens))
    }

    @Test(arguments: [ExportDType.f16, .bf16])
    func halfPrecisionStoresRoundedWeights(dtype: ExportDType) throws {
        let source = try ExportFixtures.source("tiny_llama", tokenizer: "tiny_smollm")
        let out = try ExportFixtures.scratch("hf-\(dtype)")
        defer { try? FileManager.default.removeItem(at: out) }
        try HuggingFaceExporter.write(source, to: out, dtype: dtype)
        let file = try SafetensorsFile(url: out.appendingPathComponent("model.safetensors"))
        let info = try file.tensorInfo(named: "model.layers.0.mlp.up_proj.weight")
        #expect(info.dtype == (dtype == .f16 ? .f16 : .bf16))
        let reloaded = try LlamaModel.load(huggingFaceDirectory: out)
        let original = Array(source.model.parameters.flat), loaded = Array(reloaded.parameters.flat)
        for (a, b) in zip(original, loaded) {
            let rounded = dtype == .f16 ? Float(Float16(a)) : bfloat16Rounded(a)
            if b != rounded { Issue.record("\(a) stored as \(b), expected \(rounded)"); break }
        }
        let tokens = ExportFixtures.tokens(vocabulary: source.configuration.vocabularySize)
        let error = ExportFixtures.relativeError(ExportFixtures.logits(reloaded, tokens), ExportFixtures.logits(source.model, tokens))
        #expect(error < (dtype == .f16 ? 2e-3 : 2e-2), "relative logit error \(error)")
    }

    @Test func configDescribesTheModelForTransformers() throws {
        let source = try ExportFixtures.source("tiny_qwen2", tokenizer: "tiny_qwen2")
        let out = try ExportFixtures.scratch("hf-config")
        defer { try? FileManager.default.removeItem(at: out) }
        try HuggingFaceExporter.write(source, to: out, dtype: .bf16)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as! [String: Any]
        #expect(config["architectures"] as? [String] == ["Qwen2ForCausalLM"])
        #expect(config["model_type"] as? String == "qwen2")
        #expect(config["tie_word_embeddings"] as? Bool == true)
        #expect(config["rope_theta"] as? Double == 10000)
        #expect((config["rms_norm_eps"] as? Double).map { abs($0 - 1e-5) < 1e-12 } == true)
        #expect(config["torch_dtype"] as? String == "bfloat16")
        #expect(config["num_key_value_heads"] as? Int == 2)
        let tokenizerConfig = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("tokenizer_config.json"))) as! [String: Any]
        #expect(tokenizerConfig["eos_token"] as? String == source.tokenizer.eosTokenId.flatMap { source.tokenizer.piece(for: $0) })
        let llama = try ExportFixtures.source("tiny_llama", tokenizer: "tiny_smollm")
        try HuggingFaceExporter.write(llama, to: out, dtype: .f32)
        let llamaConfig = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as! [String: Any]
        #expect(llamaConfig["architectures"] as? [String] == ["LlamaForCausalLM"])
        #expect(llamaConfig["tie_word_embeddings"] as? Bool == false)
        #expect(llamaConfig["bos_token_id"] as? Int == llama.tokenizer.bosTokenId.map { Int($0) })
    }

    @Test func exportedFolderLoadsAsAnExportSource() throws {
        let source = try ExportFixtures.source("tiny_llama", tokenizer: "tiny_smollm")
        let out = try ExportFixtures.scratch("hf-source")
        defer { try? FileManager.default.removeItem(at: out) }
        try ModelExporter.export(source, options: ExportOptions(format: .huggingFace), to: out)
        let again = try ExportableModel.load(model: out)
        #expect(Array(again.model.parameters.flat) == Array(source.model.parameters.flat))
        #expect(again.tokenizer.chatTemplateSource == source.tokenizer.chatTemplateSource)
        #expect(again.tokenizer.specialTokens == source.tokenizer.specialTokens)
    }
}

/// `value` rounded to bfloat16 (nearest, ties to even), computed on the bit pattern (finite inputs).
func bfloat16Rounded(_ value: Float) -> Float {
    let bits = value.bitPattern
    return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
}
