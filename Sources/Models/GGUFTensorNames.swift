// Tensor names in llama.cpp GGUF files ↔ Hugging Face names used by our ParameterBuffer.
//   token_embd ↔ model.embed_tokens, output_norm ↔ model.norm, output ↔ lm_head,
//   blk.N.attn_norm ↔ model.layers.N.input_layernorm, blk.N.attn_{q,k,v} ↔ self_attn.{q,k,v}_proj,
//   blk.N.attn_output ↔ self_attn.o_proj, blk.N.ffn_norm ↔ post_attention_layernorm,
//   blk.N.ffn_{gate,up,down} ↔ mlp.{gate,up,down}_proj; the suffix (.weight / .bias) is kept.

/// Maps tensor names between GGUF (llama.cpp) and Hugging Face conventions.
public enum GGUFTensorNames {
    private static let global: [(hf: String, gguf: String)] = [
        ("model.embed_tokens", "token_embd"), ("model.norm", "output_norm"), ("lm_head", "output"),
    ]
    private static let perLayer: [(hf: String, gguf: String)] = [
        ("input_layernorm", "attn_norm"), ("self_attn.q_proj", "attn_q"), ("self_attn.k_proj", "attn_k"),
        ("self_attn.v_proj", "attn_v"), ("self_attn.o_proj", "attn_output"), ("post_attention_layernorm", "ffn_norm"),
        ("mlp.gate_proj", "ffn_gate"), ("mlp.up_proj", "ffn_up"), ("mlp.down_proj", "ffn_down"),
    ]

    /// The GGUF name of a Hugging Face tensor name, e.g. `model.layers.3.mlp.up_proj.weight` → `blk.3.ffn_up.weight`.
    /// - Returns: nil for names outside the Llama family layout.
    public static func gguf(fromHuggingFace name: String) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let stem = String(name[..<dot]), suffix = String(name[dot...])
        if let match = global.first(where: { $0.hf == stem }) { return match.gguf + suffix }
        let parts = stem.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "model", parts[1] == "layers", let layer = Int(parts[2]),
              let match = perLayer.first(where: { $0.hf == parts[3] }) else { return nil }
        return "blk.\(layer).\(match.gguf)\(suffix)"
    }

    /// The Hugging Face name of a GGUF tensor name, e.g. `blk.0.attn_q.weight` → `model.layers.0.self_attn.q_proj.weight`.
    /// - Returns: nil for names outside the Llama family layout (e.g. `rope_freqs.weight`).
    public static func huggingFace(fromGGUF name: String) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let stem = String(name[..<dot]), suffix = String(name[dot...])
        if let match = global.first(where: { $0.gguf == stem }) { return match.hf + suffix }
        let parts = stem.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]),
              let match = perLayer.first(where: { $0.gguf == parts[2] }) else { return nil }
        return "model.layers.\(layer).\(match.hf)\(suffix)"
    }
}
