// Text normalizers applied to each segment between added tokens before pre-tokenization.
import Foundation

/// The normalizers byte-level BPE tokenizers use.
public enum Normalizer: String, Sendable, Equatable, Codable {
    /// No normalization (GPT-2, Llama-3, SmolLM2).
    case none
    /// Unicode canonical composition (Qwen2).
    case nfc

    /// Normalizes `text`.
    /// - Parameter text: a segment of input.
    /// - Returns: the normalized segment.
    public func apply(_ text: String) -> String {
        switch self {
        case .none: return text
        case .nfc: return text.precomposedStringWithCanonicalMapping
        }
    }
}
