// Writes one llama.cpp GGUF file: llama.cpp tensor names (GGUFTensorNames), Q/K rows permuted for arch llama
// (RotaryPermutation), 2-D weights in F32/F16/BF16/Q8_0 and 1-D tensors in F32 (as llama.cpp's converter
// does; a matrix whose rows are not a multiple of 32 falls back to F16 under Q8_0), the `<arch>.*`
// hyper-parameters, the `tokenizer.ggml.*` vocabulary, merges, token types, special ids and chat template.
import Foundation
import ModelFormats
import Models
import Tokenizers

/// Exports a model as a GGUF file that llama.cpp and `LlamaModel.load(gguf:)` load.
public enum GGUFExporter {
    /// The GGUF `general.architecture` for a configuration: "qwen2" for Qwen2, "llama" for the rest.
    /// - Parameter configuration: the model's configuration.
    /// - Returns: the architecture name.
    public static func architecture(of configuration: LlamaConfiguration) -> String {
        configuration.modelType == "qwen2" ? "qwen2" : "llama"
    }

    /// llama.cpp's `llama_ftype` for a dtype (`general.file_type`).
    static func fileType(_ dtype: ExportDType) -> UInt32 {
        switch dtype {
        case .f32: return 0
        case .f16: return 1
        case .q8_0: return 7
        case .bf16: return 32
        }
    }

    /// The tensor type a weight is stored in.
    /// - Parameters: shape: numpy shape. dtype: the requested type.
    static func tensorType(shape: [Int], dtype: ExportDType) -> GGUFTensorType {
        guard shape.count >= 2 else { return .f32 }
        switch dtype {
        case .f32: return .f32
        case .f16: return .f16
        case .bf16: return .bf16
        case .q8_0: return shape[shape.count - 1] % 32 == 0 ? .q8_0 : .f16
        }
    }

    /// Builds the GGUF (metadata and encoded tensors) without writing it.
    /// - Parameters:
    ///   - source: the model and tokenizer.
    ///   - dtype: weight matrix type.
    ///   - name: `general.name`; nil uses `source.name`.
    /// - Returns: the filled writer.
    /// - Throws: ``ExportError/unsupported(what:format:reason:)`` (pre-tokenizer without a GGUF name, oversized
    ///   tokenizer), ``ExportError/writeFailed(path:reason:)`` for an encoding error.
    public static func makeWriter(_ source: ExportableModel, dtype: ExportDType, name: String? = nil) throws -> GGUFWriter {
        try source.validate(format: "GGUF")
        let cfg = source.configuration
        let arch = architecture(of: cfg)
        var writer = GGUFWriter()
        do {
            try writeMetadata(&writer, source, arch: arch, dtype: dtype, name: name ?? source.name)
            try writeTensors(&writer, source, arch: arch, dtype: dtype)
        } catch let error as ExportError {
            throw error
        } catch {
            throw ExportError.writeFailed(path: "<GGUF>", reason: "\(error)")
        }
        return writer
    }

    /// Writes the GGUF file (replacing an existing one).
    ///
    /// ```swift
    /// try GGUFExporter.write(source, to: URL(fileURLWithPath: "out/model-q8_0.gguf"), dtype: .q8_0)
    /// ```
    /// - Parameters:
    ///   - source: the model and tokenizer.
    ///   - url: output file.
    ///   - dtype: weight matrix type (F32, F16, BF16 or Q8_0).
    ///   - name: `general.name`; nil uses `source.name`.
    /// - Throws: as ``makeWriter(_:dtype:name:)``, and ``ExportError/writeFailed(path:reason:)``.
    public static func write(_ source: ExportableModel, to url: URL, dtype: ExportDType = .f32, name: String? = nil) throws {
        let writer = try makeWriter(source, dtype: dtype, name: name)
        do { try writer.write(to: url) } catch { throw ExportError.writeFailed(path: url.path, reason: "\(error)") }
    }

    private static func writeMetadata(_ w: inout GGUFWriter, _ source: ExportableModel, arch: String, dtype: ExportDType,
                                      name: String) throws {
        let cfg = source.configuration, tokenizer = source.tokenizer
        func u32(_ value: Int) -> GGUFValue { .uint32(UInt32(value)) }
        try w.setValue(.string(arch), forKey: GGUFMetadataKey.architecture)
        try w.setValue(.string("model"), forKey: GGUFMetadataKey.type)
        try w.setValue(.string(name), forKey: GGUFMetadataKey.name)
        try w.setValue(u32(cfg.vocabularySize), forKey: GGUFMetadataKey.vocabularySize(arch))
        try w.setValue(u32(cfg.maxPositionEmbeddings), forKey: GGUFMetadataKey.contextLength(arch))
        try w.setValue(u32(cfg.hiddenSize), forKey: GGUFMetadataKey.embeddingLength(arch))
        try w.setValue(u32(cfg.layerCount), forKey: GGUFMetadataKey.blockCount(arch))
        try w.setValue(u32(cfg.intermediateSize), forKey: GGUFMetadataKey.feedForwardLength(arch))
        try w.setValue(u32(cfg.headDim), forKey: GGUFMetadataKey.ropeDimensionCount(arch))
        try w.setValue(u32(cfg.headCount), forKey: GGUFMetadataKey.headCount(arch))
        try w.setValue(u32(cfg.kvHeadCount), forKey: GGUFMetadataKey.headCountKV(arch))
        if cfg.headDim * cfg.headCount != cfg.hiddenSize {
            try w.setValue(u32(cfg.headDim), forKey: GGUFMetadataKey.keyLength(arch))
            try w.setValue(u32(cfg.headDim), forKey: GGUFMetadataKey.valueLength(arch))
        }
        try w.setValue(.float32(Float(cfg.ropeTheta)), forKey: GGUFMetadataKey.ropeFrequencyBase(arch))
        try w.setValue(.float32(cfg.rmsNormEpsilon), forKey: GGUFMetadataKey.rmsNormEpsilon(arch))
        try w.setValue(.uint32(fileType(dtype)), forKey: GGUFMetadataKey.fileType)
        try w.setValue(.uint32(2), forKey: GGUFMetadataKey.quantizationVersion)

        guard let pre = tokenizer.ggufPreTokenizerName else {
            throw ExportError.unsupported(what: "the tokenizer's pre-tokenizer \(tokenizer.preTokenizer)", format: "GGUF",
                                          reason: "llama.cpp has no tokenizer.ggml.pre name for it (gpt2, llama-bpe, qwen2, smollm)")
        }
        var tokens: [String] = [], types: [Int32] = []
        tokens.reserveCapacity(cfg.vocabularySize)
        types.reserveCapacity(cfg.vocabularySize)
        for id in 0..<cfg.vocabularySize {
            let piece = id < tokenizer.vocabularySize ? tokenizer.piece(for: Int32(id)) ?? "" : ""
            if piece.isEmpty || tokenizer.tokenId(for: piece) != Int32(id) {
                tokens.append("[PAD\(id)]")
                types.append(TokenType.unused.rawValue)
            } else {
                tokens.append(piece)
                let type = tokenizer.tokenType(Int32(id))
                types.append(type == .undefined ? TokenType.normal.rawValue : type.rawValue)
            }
        }
        try w.setValue(.string("gpt2"), forKey: GGUFMetadataKey.tokenizerModel)
        try w.setValue(.string(pre), forKey: GGUFMetadataKey.tokenizerPre)
        try w.setValue(.stringArray(tokens), forKey: GGUFMetadataKey.tokens)
        try w.setValue(.int32Array(types), forKey: GGUFMetadataKey.tokenType)
        try w.setValue(.stringArray(tokenizer.mergeRules.map { "\($0.0) \($0.1)" }), forKey: GGUFMetadataKey.merges)
        let special = tokenizer.specialTokens
        for (key, id) in [(GGUFMetadataKey.bosTokenID, special.bos), (GGUFMetadataKey.eosTokenID, special.eos),
                          (GGUFMetadataKey.unknownTokenID, special.unknown), (GGUFMetadataKey.paddingTokenID, special.pad)] {
            if let id { try w.setValue(.uint32(UInt32(id)), forKey: key) }
        }
        try w.setValue(.bool(special.addBOS), forKey: GGUFMetadataKey.addBOSToken)
        try w.setValue(.bool(special.addEOS), forKey: GGUFMetadataKey.addEOSToken)
        try w.setValue(.bool(tokenizer.preTokenizer.addPrefixSpace), forKey: GGUFMetadataKey.addSpacePrefix)
        if let template = tokenizer.chatTemplateSource {
            try w.setValue(.string(template), forKey: GGUFMetadataKey.chatTemplate)
        }
    }

    private static func writeTensors(_ w: inout GGUFWriter, _ source: ExportableModel, arch: String, dtype: ExportDType) throws {
        let cfg = source.configuration
        let permute = arch == "llama"
        for entry in source.model.parameters.layout.entries {
            guard let ggufName = GGUFTensorNames.gguf(fromHuggingFace: entry.name) else {
                throw ExportError.unsupported(what: "tensor \(entry.name)", format: "GGUF", reason: "it has no llama.cpp name")
            }
            var values = source.values(entry.name)
            if permute {
                if entry.name.hasSuffix("self_attn.q_proj.weight") || entry.name.hasSuffix("self_attn.q_proj.bias") {
                    values = RotaryPermutation.toGGUF(values, heads: cfg.headCount, headDim: cfg.headDim)
                } else if entry.name.hasSuffix("self_attn.k_proj.weight") || entry.name.hasSuffix("self_attn.k_proj.bias") {
                    values = RotaryPermutation.toGGUF(values, heads: cfg.kvHeadCount, headDim: cfg.headDim)
                }
            }
            try w.addTensor(ggufName, shape: entry.shape.reversed(), values: values,
                            type: tensorType(shape: entry.shape, dtype: dtype))
            if arch == "qwen2" && !cfg.attentionBias && entry.name.hasSuffix("self_attn.v_proj.weight") {
                // llama.cpp's qwen2 graph requires q/k/v biases; zeros keep the function unchanged.
                let layer = entry.name.split(separator: ".")[2]
                for (kind, width) in [("q", cfg.queryDim), ("k", cfg.kvDim), ("v", cfg.kvDim)] {
                    try w.addTensor("blk.\(layer).attn_\(kind).bias", shape: [width], values: [Float](repeating: 0, count: width))
                }
            }
        }
    }
}
