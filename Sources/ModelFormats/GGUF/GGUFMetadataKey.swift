// GGUFMetadataKey: the metadata key names this project reads or writes, in one place.
// Names follow ggml docs/gguf.md and gguf-py/gguf/constants.py (class Keys); not an exhaustive list.

/// Well-known GGUF metadata keys. Architecture-specific keys take the architecture name
/// (the value of ``architecture``, e.g. `"llama"`).
///
/// ```swift
/// let layers = try file.int(GGUFMetadataKey.blockCount("llama"))   // "llama.block_count"
/// ```
public enum GGUFMetadataKey {
    // MARK: general
    /// `general.architecture` (string), e.g. `"llama"`.
    public static let architecture = "general.architecture"
    /// `general.alignment` (uint32): data alignment, a power of two; 32 when absent.
    public static let alignment = "general.alignment"
    /// `general.name` (string).
    public static let name = "general.name"
    /// `general.file_type` (uint32): llama.cpp's `llama_ftype` of the file.
    public static let fileType = "general.file_type"
    /// `general.quantization_version` (uint32).
    public static let quantizationVersion = "general.quantization_version"
    /// `general.type` (string), e.g. `"model"`.
    public static let type = "general.type"

    // MARK: architecture hyper-parameters
    /// `<arch>.context_length` (uint32).
    public static func contextLength(_ architecture: String) -> String { "\(architecture).context_length" }
    /// `<arch>.embedding_length` (uint32): C.
    public static func embeddingLength(_ architecture: String) -> String { "\(architecture).embedding_length" }
    /// `<arch>.block_count` (uint32): L.
    public static func blockCount(_ architecture: String) -> String { "\(architecture).block_count" }
    /// `<arch>.feed_forward_length` (uint32).
    public static func feedForwardLength(_ architecture: String) -> String { "\(architecture).feed_forward_length" }
    /// `<arch>.attention.head_count` (uint32): H.
    public static func headCount(_ architecture: String) -> String { "\(architecture).attention.head_count" }
    /// `<arch>.attention.head_count_kv` (uint32): Hkv.
    public static func headCountKV(_ architecture: String) -> String { "\(architecture).attention.head_count_kv" }
    /// `<arch>.attention.layer_norm_rms_epsilon` (float32).
    public static func rmsNormEpsilon(_ architecture: String) -> String {
        "\(architecture).attention.layer_norm_rms_epsilon"
    }
    /// `<arch>.attention.key_length` (uint32): D for keys, when not C / H.
    public static func keyLength(_ architecture: String) -> String { "\(architecture).attention.key_length" }
    /// `<arch>.attention.value_length` (uint32).
    public static func valueLength(_ architecture: String) -> String { "\(architecture).attention.value_length" }
    /// `<arch>.rope.freq_base` (float32).
    public static func ropeFrequencyBase(_ architecture: String) -> String { "\(architecture).rope.freq_base" }
    /// `<arch>.rope.dimension_count` (uint32).
    public static func ropeDimensionCount(_ architecture: String) -> String { "\(architecture).rope.dimension_count" }
    /// `<arch>.vocab_size` (uint32): V.
    public static func vocabularySize(_ architecture: String) -> String { "\(architecture).vocab_size" }

    // MARK: tokenizer
    /// `tokenizer.ggml.model` (string): `"gpt2"` (byte-level BPE), `"llama"` (SentencePiece), ...
    public static let tokenizerModel = "tokenizer.ggml.model"
    /// `tokenizer.ggml.pre` (string): pre-tokenizer name, e.g. `"smollm"`.
    public static let tokenizerPre = "tokenizer.ggml.pre"
    /// `tokenizer.ggml.tokens` (array of string), indexed by token id.
    public static let tokens = "tokenizer.ggml.tokens"
    /// `tokenizer.ggml.token_type` (array of int32): 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    public static let tokenType = "tokenizer.ggml.token_type"
    /// `tokenizer.ggml.scores` (array of float32).
    public static let scores = "tokenizer.ggml.scores"
    /// `tokenizer.ggml.merges` (array of string): BPE merges, `"a b"`, highest priority first.
    public static let merges = "tokenizer.ggml.merges"
    /// `tokenizer.ggml.bos_token_id` (uint32).
    public static let bosTokenID = "tokenizer.ggml.bos_token_id"
    /// `tokenizer.ggml.eos_token_id` (uint32).
    public static let eosTokenID = "tokenizer.ggml.eos_token_id"
    /// `tokenizer.ggml.unknown_token_id` (uint32).
    public static let unknownTokenID = "tokenizer.ggml.unknown_token_id"
    /// `tokenizer.ggml.padding_token_id` (uint32).
    public static let paddingTokenID = "tokenizer.ggml.padding_token_id"
    /// `tokenizer.ggml.add_bos_token` (bool).
    public static let addBOSToken = "tokenizer.ggml.add_bos_token"
    /// `tokenizer.ggml.add_eos_token` (bool).
    public static let addEOSToken = "tokenizer.ggml.add_eos_token"
    /// `tokenizer.ggml.add_space_prefix` (bool).
    public static let addSpacePrefix = "tokenizer.ggml.add_space_prefix"
    /// `tokenizer.chat_template` (string): Jinja chat template.
    public static let chatTemplate = "tokenizer.chat_template"
}
