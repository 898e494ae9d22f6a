// LlamaConfiguration from GGUF metadata (`general.architecture` = llama | qwen2 | …, keys `<arch>.*`).
import ModelFormats

extension LlamaConfiguration {
    /// Reads the configuration from a GGUF file's metadata and tensor list.
    ///
    /// V comes from `<arch>.vocab_size` or the shape of `token_embd.weight`; tied embeddings are detected by the
    /// absence of `output.weight`; q/k/v biases by the presence of `blk.0.attn_q.bias`.
    /// - Parameter gguf: an opened GGUF file.
    /// - Throws: `ModelError.missingConfigurationKey`, `.unsupportedArchitecture` or `.invalidConfiguration`.
    public init(gguf: GGUFFile) throws {
        let source = gguf.url.lastPathComponent
        func required(_ key: String) throws -> Int {
            guard gguf.metadata[key] != nil, let value = try? gguf.int(key) else {
                throw ModelError.missingConfigurationKey(key: key, source: source)
            }
            return value
        }
        guard let architecture = try? gguf.string(GGUFMetadataKey.architecture) else {
            throw ModelError.missingConfigurationKey(key: GGUFMetadataKey.architecture, source: source)
        }
        guard Self.supportedArchitectures.contains(architecture) else { throw ModelError.unsupportedArchitecture(architecture) }
        let hidden = try required(GGUFMetadataKey.embeddingLength(architecture))
        let heads = try required(GGUFMetadataKey.headCount(architecture))
        var vocabulary = try? gguf.int(GGUFMetadataKey.vocabularySize(architecture))
        if vocabulary == nil, let embedding = try? gguf.tensorInfo(named: "token_embd.weight"), embedding.shape.count == 2 {
            vocabulary = embedding.shape[1]
        }
        guard let vocabulary else {
            throw ModelError.missingConfigurationKey(key: GGUFMetadataKey.vocabularySize(architecture), source: source)
        }
        self.init(
            modelType: architecture,
            hiddenSize: hidden,
            intermediateSize: try required(GGUFMetadataKey.feedForwardLength(architecture)),
            layerCount: try required(GGUFMetadataKey.blockCount(architecture)),
            headCount: heads,
            kvHeadCount: (try? gguf.int(GGUFMetadataKey.headCountKV(architecture))) ?? heads,
            headDim: (try? gguf.int(GGUFMetadataKey.keyLength(architecture))) ?? hidden / max(1, heads),
            rmsNormEpsilon: (try? gguf.float(GGUFMetadataKey.rmsNormEpsilon(architecture))) ?? 1e-6,
            ropeTheta: Double((try? gguf.float(GGUFMetadataKey.ropeFrequencyBase(architecture))) ?? 10000),
            vocabularySize: vocabulary,
            tieWordEmbeddings: !gguf.hasTensor(named: "output.weight"),
            maxPositionEmbeddings: (try? gguf.int(GGUFMetadataKey.contextLength(architecture))) ?? 2048,
            attentionBias: gguf.hasTensor(named: "blk.0.attn_q.bias")
        )
        try validate()
    }
}
