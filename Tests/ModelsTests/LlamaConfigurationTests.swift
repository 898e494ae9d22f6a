import Foundation
import Testing
@testable import Models

@Suite struct LlamaConfigurationTests {
    @Test func decodesHuggingFaceConfig() throws {
        let json = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 576, "intermediate_size": 1536,
         "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3, "rms_norm_eps": 1e-05,
         "rope_theta": 100000, "vocab_size": 49152, "tie_word_embeddings": true, "max_position_embeddings": 8192,
         "rope_scaling": null, "torch_dtype": "bfloat16"}
        """
        let c = try JSONDecoder().decode(LlamaConfiguration.self, from: Data(json.utf8))
        #expect(c.headDim == 64 && c.kvDim == 192 && c.queryDim == 576)
        #expect(c.tieWordEmbeddings && !c.attentionBias && c.ropeTheta == 100000)
        try c.validate()
        let qwen = try JSONDecoder().decode(LlamaConfiguration.self, from: Data("""
            {"model_type": "qwen2", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1,
             "num_attention_heads": 2, "vocab_size": 5}
            """.utf8))
        #expect(qwen.attentionBias && qwen.kvHeadCount == 2 && !qwen.tieWordEmbeddings)
        let roundTrip = try JSONDecoder().decode(LlamaConfiguration.self, from: JSONEncoder().encode(c))
        #expect(roundTrip == c)
    }

    @Test func validationNamesTheRule() {
        let bad = LlamaConfiguration(hiddenSize: 16, intermediateSize: 8, layerCount: 1, headCount: 4, kvHeadCount: 3, vocabularySize: 10)
        #expect(throws: ModelError.invalidConfiguration(key: "num_key_value_heads", value: "3", rule: "must divide num_attention_heads (4)")) {
            try bad.validate()
        }
        #expect(ModelError.invalidConfiguration(key: "num_key_value_heads", value: "3", rule: "must divide num_attention_heads (4)").description
            == "invalid model configuration: num_key_value_heads = 3; must divide num_attention_heads (4). Fix the value in config.json (or the GGUF metadata).")
        let gpt = LlamaConfiguration(modelType: "gpt2", hiddenSize: 16, intermediateSize: 8, layerCount: 1, headCount: 4, vocabularySize: 10)
        #expect(throws: ModelError.unsupportedArchitecture("gpt2")) { try gpt.validate() }
    }

    @Test func tensorNamesMapBothWays() {
        let pairs = [
            ("model.embed_tokens.weight", "token_embd.weight"), ("lm_head.weight", "output.weight"),
            ("model.norm.weight", "output_norm.weight"), ("model.layers.12.self_attn.k_proj.bias", "blk.12.attn_k.bias"),
            ("model.layers.0.self_attn.o_proj.weight", "blk.0.attn_output.weight"),
            ("model.layers.3.post_attention_layernorm.weight", "blk.3.ffn_norm.weight"),
            ("model.layers.29.mlp.down_proj.weight", "blk.29.ffn_down.weight"),
        ]
        for (hf, gguf) in pairs {
            #expect(GGUFTensorNames.gguf(fromHuggingFace: hf) == gguf)
            #expect(GGUFTensorNames.huggingFace(fromGGUF: gguf) == hf)
        }
        #expect(GGUFTensorNames.huggingFace(fromGGUF: "rope_freqs.weight") == nil)
    }

    @Test func unpermuteInvertsLlamaCppPermutation() {
        // One head, D = 4, 1 column: HF rows [a0 a1 | b0 b1] are stored by llama.cpp as [a0 b0 a1 b1].
        var rows: [Float] = [10, 20, 11, 21]
        rows.withUnsafeMutableBufferPointer { LlamaModel.unpermuteRotaryRows($0, heads: 1, headDim: 4) }
        #expect(rows == [10, 11, 20, 21])
    }
}
