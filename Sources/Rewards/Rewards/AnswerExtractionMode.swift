// AnswerExtractionMode.swift — which part of a completion the accuracy reward hands to the verifier.

/// Which part of a completion is compared with the gold answer.
public enum AnswerExtractionMode: String, Sendable, Codable, CaseIterable {
    /// The last `<answer>…</answer>` block; no block → wrong (0). R1-Zero style.
    case answerTag = "answer_tag"
    /// The last `<answer>` block if there is one, else the whole completion (the verifier then looks for
    /// `\boxed{}` / the last number). Default.
    case answerTagOrFull = "answer_tag_or_full"
    /// Text after `</think>`; reasoning never closed → wrong (TRL `reasoning_accuracy_reward`).
    case afterThinking = "after_think"
    /// The whole completion (TRL/open-r1 `accuracy_reward`).
    case full

    /// The text to verify, or nil when the required part is missing.
    /// - Parameter text: the completion.
    /// - Returns: the narrowed text.
    public func extract(from text: String) -> String? {
        switch self {
        case .answerTag: return ThinkAnswer.answer(in: text)
        case .answerTagOrFull: return ThinkAnswer.answer(in: text) ?? text
        case .afterThinking: return ThinkAnswer.afterThinking(in: text)
        case .full: return text
        }
    }
}
