// Parameter layout of a Llama-family model (llm.c `fill_in_parameter_sizes`): every tensor, its Hugging
// Face name and shape, packed into one ParameterBuffer; plus offsets for the hot loops.
import TensorEngine

/// Offsets of one decoder layer's tensors in the flat parameter buffer.
struct LayerOffsets: Sendable {
    var inputNorm = 0, q = 0, k = 0, v = 0, o = 0, postNorm = 0, gate = 0, up = 0, down = 0
    var qBias: Int?, kBias: Int?, vBias: Int?
}

/// Offsets of every tensor of the model in the flat parameter buffer.
struct LlamaOffsets: Sendable {
    var embedding = 0, finalNorm = 0, head = 0
    var layers: [LayerOffsets] = []
}

/// Hugging Face tensor names of a Llama-family model.
public enum LlamaTensorName {
    /// `model.embed_tokens.weight` [V, C].
    public static let embedding = "model.embed_tokens.weight"
    /// `model.norm.weight` [C].
    public static let finalNorm = "model.norm.weight"
    /// `lm_head.weight` [V, C] (absent when embeddings are tied).
    public static let head = "lm_head.weight"
    /// `model.layers.{layer}.{suffix}`, e.g. suffix `self_attn.q_proj.weight`.
    public static func layer(_ layer: Int, _ suffix: String) -> String { "model.layers.\(layer).\(suffix)" }
}

extension LlamaConfiguration {
    /// The parameter layout: HF names and shapes in storage order.
    public var parameterLayout: ParameterLayout {
        var layout = ParameterLayout()
        let c = hiddenSize
        layout.append(LlamaTensorName.embedding, shape: [vocabularySize, c])
        for l in 0..<layerCount {
            layout.append(LlamaTensorName.layer(l, "input_layernorm.weight"), shape: [c])
            layout.append(LlamaTensorName.layer(l, "self_attn.q_proj.weight"), shape: [queryDim, c])
            layout.append(LlamaTensorName.layer(l, "self_attn.k_proj.weight"), shape: [kvDim, c])
            layout.append(LlamaTensorName.layer(l, "self_attn.v_proj.weight"), shape: [kvDim, c])
            if attentionBias {
                layout.append(LlamaTensorName.layer(l, "self_attn.q_proj.bias"), shape: [queryDim])
                layout.append(LlamaTensorName.layer(l, "self_attn.k_proj.bias"), shape: [kvDim])
                layout.append(LlamaTensorName.layer(l, "self_attn.v_proj.bias"), shape: [kvDim])
            }
            layout.append(LlamaTensorName.layer(l, "self_attn.o_proj.weight"), shape: [c, queryDim])
            layout.append(LlamaTensorName.layer(l, "post_attention_layernorm.weight"), shape: [c])
            layout.append(LlamaTensorName.layer(l, "mlp.gate_proj.weight"), shape: [intermediateSize, c])
            layout.append(LlamaTensorName.layer(l, "mlp.up_proj.weight"), shape: [intermediateSize, c])
            layout.append(LlamaTensorName.layer(l, "mlp.down_proj.weight"), shape: [c, intermediateSize])
        }
        layout.append(LlamaTensorName.finalNorm, shape: [c])
        if !tieWordEmbeddings { layout.append(LlamaTensorName.head, shape: [vocabularySize, c]) }
        return layout
    }

    /// Offsets of every tensor in `parameterLayout`.
    func offsets(in layout: ParameterLayout) -> LlamaOffsets {
        func at(_ name: String) -> Int { layout.entry(name)!.offset }
        var result = LlamaOffsets()
        result.embedding = at(LlamaTensorName.embedding)
        result.finalNorm = at(LlamaTensorName.finalNorm)
        result.head = tieWordEmbeddings ? result.embedding : at(LlamaTensorName.head)
        for l in 0..<layerCount {
            var o = LayerOffsets()
            o.inputNorm = at(LlamaTensorName.layer(l, "input_layernorm.weight"))
            o.q = at(LlamaTensorName.layer(l, "self_attn.q_proj.weight"))
            o.k = at(LlamaTensorName.layer(l, "self_attn.k_proj.weight"))
            o.v = at(LlamaTensorName.layer(l, "self_attn.v_proj.weight"))
            if attentionBias {
                o.qBias = at(LlamaTensorName.layer(l, "self_attn.q_proj.bias"))
                o.kBias = at(LlamaTensorName.layer(l, "self_attn.k_proj.bias"))
                o.vBias = at(LlamaTensorName.layer(l, "self_attn.v_proj.bias"))
            }
            o.o = at(LlamaTensorName.layer(l, "self_attn.o_proj.weight"))
            o.postNorm = at(LlamaTensorName.layer(l, "post_attention_layernorm.weight"))
            o.gate = at(LlamaTensorName.layer(l, "mlp.gate_proj.weight"))
            o.up = at(LlamaTensorName.layer(l, "mlp.up_proj.weight"))
            o.down = at(LlamaTensorName.layer(l, "mlp.down_proj.weight"))
            result.layers.append(o)
        }
        return result
    }
}
