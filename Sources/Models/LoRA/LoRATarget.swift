// The linear layers of a Llama decoder layer a LoRA adapter can wrap, under their PEFT module names.

/// A linear projection of a decoder layer that can carry a LoRA adapter (PEFT `target_modules` names).
public enum LoRATarget: String, CaseIterable, Sendable, Codable, Comparable {
    /// `self_attn.q_proj` [H·D, C].
    case q = "q_proj"
    /// `self_attn.k_proj` [Hkv·D, C].
    case k = "k_proj"
    /// `self_attn.v_proj` [Hkv·D, C].
    case v = "v_proj"
    /// `self_attn.o_proj` [C, H·D].
    case o = "o_proj"
    /// `mlp.gate_proj` [I, C].
    case gate = "gate_proj"
    /// `mlp.up_proj` [I, C].
    case up = "up_proj"
    /// `mlp.down_proj` [C, I].
    case down = "down_proj"

    /// Position in `allCases` (the storage order of an adapter's tensors within a layer).
    public var index: Int {
        switch self {
        case .q: 0
        case .k: 1
        case .v: 2
        case .o: 3
        case .gate: 4
        case .up: 5
        case .down: 6
        }
    }

    /// The module path inside a decoder layer, e.g. `self_attn.q_proj` or `mlp.down_proj`.
    public var modulePath: String {
        switch self {
        case .q, .k, .v, .o: "self_attn.\(rawValue)"
        case .gate, .up, .down: "mlp.\(rawValue)"
        }
    }

    /// (inFeatures, outFeatures) of the wrapped weight [out, in] for a model configuration.
    /// - Parameter configuration: the model's hyper-parameters.
    /// - Returns: IC and OC of the projection.
    public func features(_ configuration: LlamaConfiguration) -> (inFeatures: Int, outFeatures: Int) {
        let c = configuration.hiddenSize
        switch self {
        case .q: return (c, configuration.queryDim)
        case .k, .v: return (c, configuration.kvDim)
        case .o: return (configuration.queryDim, c)
        case .gate, .up: return (c, configuration.intermediateSize)
        case .down: return (configuration.intermediateSize, c)
        }
    }

    public static func < (lhs: LoRATarget, rhs: LoRATarget) -> Bool { lhs.index < rhs.index }
}
