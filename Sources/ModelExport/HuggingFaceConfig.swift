// config.json and generation_config.json of an exported Hugging Face folder, as transformers reads them
// for LlamaForCausalLM / MistralForCausalLM / Qwen2ForCausalLM.
import Foundation
import Models
import Tokenizers

/// The Hugging Face architecture an export targets.
public struct HuggingFaceArchitecture: Sendable, Equatable {
    /// `model_type`, e.g. "llama".
    public var modelType: String
    /// `architectures[0]`, e.g. "LlamaForCausalLM".
    public var className: String

    /// The architecture transformers should use for a configuration: qwen2 → Qwen2ForCausalLM; mistral
    /// without attention biases → MistralForCausalLM; everything else (llama, smollm, smollm2) → LlamaForCausalLM.
    /// - Parameter configuration: the model's configuration.
    /// - Returns: the architecture.
    public static func of(_ configuration: LlamaConfiguration) -> HuggingFaceArchitecture {
        switch configuration.modelType {
        case "qwen2": return HuggingFaceArchitecture(modelType: "qwen2", className: "Qwen2ForCausalLM")
        case "mistral" where !configuration.attentionBias:
            return HuggingFaceArchitecture(modelType: "mistral", className: "MistralForCausalLM")
        default: return HuggingFaceArchitecture(modelType: "llama", className: "LlamaForCausalLM")
        }
    }
}

/// Builds the JSON files describing an exported model.
enum HuggingFaceConfig {
    /// `torch_dtype` of a safetensors element type.
    static func torchDType(_ dtype: ExportDType) -> String {
        switch dtype {
        case .f16: return "float16"
        case .bf16: return "bfloat16"
        case .f32, .q8_0: return "float32"
        }
    }

    /// config.json: hyper-parameters, tied embeddings, RoPE θ, RMSNorm ε, special ids and dtype.
    static func configJSON(_ configuration: LlamaConfiguration, tokenizer: BPETokenizer, dtype: ExportDType) throws -> Data {
        let architecture = HuggingFaceArchitecture.of(configuration)
        var object: [String: Any] = [
            "architectures": [architecture.className],
            "model_type": architecture.modelType,
            "hidden_size": configuration.hiddenSize,
            "intermediate_size": configuration.intermediateSize,
            "num_hidden_layers": configuration.layerCount,
            "num_attention_heads": configuration.headCount,
            "num_key_value_heads": configuration.kvHeadCount,
            "head_dim": configuration.headDim,
            "hidden_act": "silu",
            "max_position_embeddings": configuration.maxPositionEmbeddings,
            "rms_norm_eps": Double("\(configuration.rmsNormEpsilon)") ?? Double(configuration.rmsNormEpsilon),  // 1e-05, not 9.99999974e-06
            "rope_theta": configuration.ropeTheta,
            "rope_scaling": NSNull(),
            "vocab_size": configuration.vocabularySize,
            "tie_word_embeddings": configuration.tieWordEmbeddings,
            "attention_dropout": 0.0,
            "initializer_range": 0.02,
            "torch_dtype": torchDType(dtype),
            "use_cache": true,
        ]
        switch architecture.modelType {
        case "llama":
            object["attention_bias"] = configuration.attentionBias
            object["mlp_bias"] = false
            object["pretraining_tp"] = 1
        case "mistral":
            object["sliding_window"] = NSNull()
        default:
            object["use_sliding_window"] = false
            object["sliding_window"] = NSNull()
            object["max_window_layers"] = configuration.layerCount
        }
        object["bos_token_id"] = tokenizer.bosTokenId.map { Int($0) as Any } ?? NSNull()
        object["eos_token_id"] = tokenizer.eosTokenId.map { Int($0) as Any } ?? NSNull()
        if let pad = tokenizer.padTokenId { object["pad_token_id"] = Int(pad) }
        return try encode(object)
    }

    /// generation_config.json: BOS, PAD and every end-of-generation id.
    static func generationConfigJSON(tokenizer: BPETokenizer) throws -> Data {
        var object: [String: Any] = [:]
        if let bos = tokenizer.bosTokenId { object["bos_token_id"] = Int(bos) }
        let stops = tokenizer.eosTokenIds.map { Int($0) }
        if stops.count == 1 { object["eos_token_id"] = stops[0] } else if !stops.isEmpty { object["eos_token_id"] = stops }
        if let pad = tokenizer.padTokenId { object["pad_token_id"] = Int(pad) }
        return try encode(object)
    }

    private static func encode(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
