// Hyper-parameters of the Llama family (llama, mistral, qwen2, smollm): Codable from a Hugging Face
// config.json, constructible from GGUF metadata (LlamaConfiguration+GGUF.swift), validated before use.
// Shape vocabulary: C hidden, I intermediate, L layers, H heads, Hkv kv heads, D head dim, V vocabulary.

/// Configuration of a Llama-family decoder.
public struct LlamaConfiguration: Codable, Sendable, Equatable {
    /// Architectures this module implements (`model_type` / `general.architecture`).
    public static let supportedArchitectures: Set<String> = ["llama", "mistral", "qwen2", "smollm", "smollm2"]

    /// Architecture name (`model_type`), e.g. "llama" or "qwen2".
    public var modelType: String
    /// C (`hidden_size`).
    public var hiddenSize: Int
    /// I (`intermediate_size`).
    public var intermediateSize: Int
    /// L (`num_hidden_layers`).
    public var layerCount: Int
    /// H (`num_attention_heads`).
    public var headCount: Int
    /// Hkv (`num_key_value_heads`, defaults to H).
    public var kvHeadCount: Int
    /// D (`head_dim`, defaults to C / H).
    public var headDim: Int
    /// RMSNorm epsilon (`rms_norm_eps`, default 1e-6).
    public var rmsNormEpsilon: Float
    /// RoPE base θ (`rope_theta`, default 10000).
    public var ropeTheta: Double
    /// V (`vocab_size`).
    public var vocabularySize: Int
    /// Whether the LM head reuses the token embedding (`tie_word_embeddings`, default false).
    public var tieWordEmbeddings: Bool
    /// Longest position the model supports (`max_position_embeddings`, default 2048).
    public var maxPositionEmbeddings: Int
    /// Whether q/k/v projections have biases (`attention_bias`; default true for qwen2, else false).
    public var attentionBias: Bool

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers", headCount = "num_attention_heads", kvHeadCount = "num_key_value_heads"
        case headDim = "head_dim", rmsNormEpsilon = "rms_norm_eps", ropeTheta = "rope_theta"
        case vocabularySize = "vocab_size", tieWordEmbeddings = "tie_word_embeddings"
        case maxPositionEmbeddings = "max_position_embeddings", attentionBias = "attention_bias"
    }

    /// Creates a configuration; dependent fields default as in Hugging Face.
    /// - Parameters: see the properties. `kvHeadCount` defaults to `headCount`, `headDim` to C / H,
    ///   `attentionBias` to `modelType == "qwen2"`.
    public init(
        modelType: String = "llama", hiddenSize: Int, intermediateSize: Int, layerCount: Int, headCount: Int,
        kvHeadCount: Int? = nil, headDim: Int? = nil, rmsNormEpsilon: Float = 1e-6, ropeTheta: Double = 10000,
        vocabularySize: Int, tieWordEmbeddings: Bool = false, maxPositionEmbeddings: Int = 2048, attentionBias: Bool? = nil
    ) {
        self.modelType = modelType
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount ?? headCount
        self.headDim = headDim ?? (headCount > 0 ? hiddenSize / headCount : 0)
        self.rmsNormEpsilon = rmsNormEpsilon
        self.ropeTheta = ropeTheta
        self.vocabularySize = vocabularySize
        self.tieWordEmbeddings = tieWordEmbeddings
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.attentionBias = attentionBias ?? (modelType == "qwen2")
    }

    /// Decodes a Hugging Face config.json (unknown keys are ignored).
    /// - Throws: `DecodingError` when a required key is missing or has the wrong type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "llama"
        self.init(
            modelType: modelType,
            hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
            intermediateSize: try c.decode(Int.self, forKey: .intermediateSize),
            layerCount: try c.decode(Int.self, forKey: .layerCount),
            headCount: try c.decode(Int.self, forKey: .headCount),
            kvHeadCount: try c.decodeIfPresent(Int.self, forKey: .kvHeadCount),
            headDim: try c.decodeIfPresent(Int.self, forKey: .headDim),
            rmsNormEpsilon: try c.decodeIfPresent(Float.self, forKey: .rmsNormEpsilon) ?? 1e-6,
            ropeTheta: try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10000,
            vocabularySize: try c.decode(Int.self, forKey: .vocabularySize),
            tieWordEmbeddings: try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false,
            maxPositionEmbeddings: try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048,
            attentionBias: try c.decodeIfPresent(Bool.self, forKey: .attentionBias)
        )
    }

    /// Checks that the values are consistent.
    /// - Throws: `ModelError.unsupportedArchitecture` or `.invalidConfiguration` naming the key, value and rule.
    public func validate() throws {
        guard Self.supportedArchitectures.contains(modelType) else { throw ModelError.unsupportedArchitecture(modelType) }
        func positive(_ value: Int, _ key: String) throws {
            if value <= 0 { throw ModelError.invalidConfiguration(key: key, value: "\(value)", rule: "must be positive") }
        }
        try positive(hiddenSize, "hidden_size")
        try positive(intermediateSize, "intermediate_size")
        try positive(layerCount, "num_hidden_layers")
        try positive(headCount, "num_attention_heads")
        try positive(kvHeadCount, "num_key_value_heads")
        try positive(headDim, "head_dim")
        try positive(vocabularySize, "vocab_size")
        try positive(maxPositionEmbeddings, "max_position_embeddings")
        if headCount % kvHeadCount != 0 {
            throw ModelError.invalidConfiguration(key: "num_key_value_heads", value: "\(kvHeadCount)",
                                                  rule: "must divide num_attention_heads (\(headCount))")
        }
        if headDim % 2 != 0 {
            throw ModelError.invalidConfiguration(key: "head_dim", value: "\(headDim)", rule: "must be even for RoPE")
        }
        if !(rmsNormEpsilon > 0) {
            throw ModelError.invalidConfiguration(key: "rms_norm_eps", value: "\(rmsNormEpsilon)", rule: "must be positive")
        }
        if !(ropeTheta > 1) {
            throw ModelError.invalidConfiguration(key: "rope_theta", value: "\(ropeTheta)", rule: "must be greater than 1")
        }
    }

    /// H · D, the width of the query projection.
    public var queryDim: Int { headCount * headDim }
    /// Hkv · D, the width of the key and value projections.
    public var kvDim: Int { kvHeadCount * headDim }
}
