// ExtractionRule and ExtractedAnswer: which rule pulled an answer out of a text, and the result.

/// A rule that locates the final answer inside a model completion or a gold string.
public enum ExtractionRule: String, Codable, Sendable, CaseIterable {
    /// Every `\boxed{…}` / `\fbox{…}` in the text (nested braces; also `\boxed 5`): one box gives its content,
    /// several distinct boxes are joined as a list "a, b" (a set), as math-verify 0.9.0 does, so hedging by
    /// boxing several candidates does not earn the reward unless the gold is that set.
    case boxed
    /// Only the last `\boxed{…}` / `\fbox{…}` (the MATH / Qwen-Math evaluation convention `last_boxed_only_string`).
    case lastBoxed
    /// Last `<answer>…</answer>` (R1 format); a `\boxed{}` inside it wins.
    case answerTag
    /// GSM8K reference format: text after the last `#### `.
    case gsm8kHashes
    /// "the answer is …", "final answer: …", "answer: …" (last occurrence).
    case answerPhrase
    /// Last inline LaTeX math block: `$…$`, `$$…$$`, `\(…\)`, `\[…\]`.
    case lastLatex
    /// Last number in the text (with sign, thousands separators, decimals, a/b).
    case lastNumber
    /// The whole string (gold answers that are plain values, e.g. MATH-500's `answer` field).
    case wholeString
}

/// An answer extracted from a text, with the rule that found it.
public struct ExtractedAnswer: Equatable, Sendable, Codable {
    /// The extracted answer text (not yet normalised).
    public var text: String
    /// The rule that fired.
    public var rule: ExtractionRule

    /// Creates an extracted answer.
    public init(text: String, rule: ExtractionRule) {
        self.text = text
        self.rule = rule
    }
}
