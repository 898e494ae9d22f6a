// LoRA hyper-parameters under PEFT / TRL names (lora_r, lora_alpha, lora_dropout, lora_target_modules,
// use_rslora), validated as a whole. Scaling: alpha / r, or alpha / √r with rsLoRA (Kalajdzievski 2023).

/// Settings of a LoRA adapter (Hu et al. 2021): W = W0 + s·B·A with A [r, in], B [out, r].
///
/// Defaults are TRL `ModelConfig`'s (r 16, alpha 32, dropout 0.05) and PEFT's Llama default targets
/// (`q_proj`, `v_proj`).
public struct LoRAConfiguration: Codable, Sendable, Equatable {
    /// r, the rank of the update (`r` / `lora_r`).
    public var rank: Int
    /// α (`lora_alpha`).
    public var alpha: Double
    /// Dropout probability applied to the adapter's input during training (`lora_dropout`).
    public var dropout: Double
    /// Module names (`q_proj` … `down_proj`) or the single entry `all-linear` (`target_modules`).
    public var targetModules: [String]
    /// Scale by α/√r instead of α/r (`use_rslora`).
    public var useRSLoRA: Bool

    /// Creates a configuration.
    /// - Parameters:
    ///   - rank: r ≥ 1. - alpha: α > 0. - dropout: in [0, 1).
    ///   - targetModules: PEFT module names or `["all-linear"]`.
    ///   - useRSLoRA: α/√r scaling.
    public init(rank: Int = 16, alpha: Double = 32, dropout: Double = 0.05,
                targetModules: [String] = ["q_proj", "v_proj"], useRSLoRA: Bool = false) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targetModules = targetModules
        self.useRSLoRA = useRSLoRA
    }

    enum CodingKeys: String, CodingKey {
        case rank = "r", alpha = "lora_alpha", dropout = "lora_dropout", targetModules = "target_modules"
        case useRSLoRA = "use_rslora"
    }

    /// s = α/r (or α/√r with rsLoRA), the factor on B·A.
    public var scale: Float {
        Float(useRSLoRA ? alpha / Double(rank).squareRoot() : alpha / Double(rank))
    }

    /// The wrapped projections: every one for `all-linear` (PEFT excludes only the LM head), else the named ones.
    /// - Throws: `LoRAError.invalidConfiguration` for an unknown module name or an empty list.
    public func resolvedTargets() throws -> [LoRATarget] {
        if targetModules.count == 1, targetModules[0].lowercased() == "all-linear" { return LoRATarget.allCases }
        guard !targetModules.isEmpty else {
            throw LoRAError.invalidConfiguration(key: "target_modules", value: "[]",
                                                 rule: "name at least one of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, or use all-linear")
        }
        var result = Set<LoRATarget>()
        for name in targetModules {
            // PEFT matches a suffix of the module path, so `self_attn.q_proj` names q_proj too.
            let last = name.split(separator: ".").last.map(String.init) ?? name
            guard let target = LoRATarget(rawValue: last) else {
                throw LoRAError.invalidConfiguration(
                    key: "target_modules", value: name,
                    rule: "unknown module; use q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, or all-linear (lm_head and embeddings cannot be adapted)")
            }
            result.insert(target)
        }
        return result.sorted()
    }

    /// Checks every field.
    /// - Throws: `LoRAError.invalidConfiguration` naming the key, the value and the rule.
    public func validate() throws {
        if rank < 1 { throw LoRAError.invalidConfiguration(key: "lora_r", value: "\(rank)", rule: "use a rank of at least 1, e.g. 16") }
        if !(alpha > 0 && alpha.isFinite) {
            throw LoRAError.invalidConfiguration(key: "lora_alpha", value: "\(alpha)", rule: "use a positive value, e.g. 2·r")
        }
        if !(dropout >= 0 && dropout < 1) {
            throw LoRAError.invalidConfiguration(key: "lora_dropout", value: "\(dropout)", rule: "use a probability in [0, 1), e.g. 0.05")
        }
        _ = try resolvedTargets()
    }
}
