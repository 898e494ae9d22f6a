/// Precision of the weight copy that a generation call decodes on (see `PanelMatmul.swift`).
///
/// - `f32`: the model's own float32 values, packed into panels; logits equal the training forward's up to
///   summation order.
/// - `bf16`: the same panels rounded to bfloat16 (round to nearest even), half the bytes per decode step;
///   products still accumulate in float32. Sampling then draws from the bf16-rounded model, as vLLM or SGLang
///   samplers do for a float32 trainer; log-probabilities reported by the sampler are the bf16 model's.
public enum DecodeWeightPrecision: String, Sendable, CaseIterable, Codable {
    case f32
    case bf16

    /// Bytes one weight takes in the packed copy.
    public var bytesPerWeight: Int {
        switch self {
        case .f32: return 4
        case .bf16: return 2
        }
    }
}
