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

    /// The text to verify, or nil when the required part is missing. An answer block is returned with its
    /// tags (`<answer>x</answer>`), so a verifier that locates answers by rule (MathVerifier's `answerTag`
    /// rule, with `\boxed{}` inside winning) reads it as the final answer rather than hunting for a number.
    /// - Parameter text: the completion.
    /// - Returns: the narrowed text.
    public func extract(from text: String) -> String? {
        switch self {
        case .answerTag: return ThinkAnswer.answer(in: text).map { "<answer>\($0)</answer>" }
        case .answerTagOrFull: return ThinkAnswer.answer(in: text).map { "<answer>\($0)</answer>" } ?? text
        case .afterThinking: return ThinkAnswer.afterThinking(in: text)
        case .full: return text
        }
    }
}
