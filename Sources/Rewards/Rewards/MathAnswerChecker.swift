// MathAnswerChecker.swift — the narrow interface the accuracy reward needs from a math verifier.
// The MathVerification module's `MathVerifier` is adapted to it in Integration/MathVerifierChecker.swift.

/// The verdict of a math answer checker.
public struct AnswerCheck: Sendable, Equatable {
    /// Whether the prediction is equivalent to the gold answer.
    public var isCorrect: Bool
    /// Whether a gold answer could be extracted at all (false → the accuracy reward returns nil).
    public var goldParsed: Bool
    /// The answer extracted from the gold text, if any.
    public var extractedGold: String?
    /// The answer extracted from the prediction, if any.
    public var extractedPrediction: String?
    /// Human-readable reason (shown by `r1 verify`).
    public var explanation: String

    /// Creates a verdict.
    public init(isCorrect: Bool, goldParsed: Bool = true, extractedGold: String? = nil, extractedPrediction: String? = nil, explanation: String = "") {
        self.isCorrect = isCorrect
        self.goldParsed = goldParsed
        self.extractedGold = extractedGold
        self.extractedPrediction = extractedPrediction
        self.explanation = explanation
    }
}

/// Decides whether a predicted answer equals a gold answer. Must be thread-safe and bounded in time.
public protocol MathAnswerChecker: Sendable {
    /// Compares a prediction with the gold answer.
    /// - Parameters:
    ///   - gold: the gold answer text (LaTeX, number, or a solution ending in `#### n`).
    ///   - prediction: the text the model produced (already narrowed by the reward's extraction mode).
    /// - Returns: the verdict.
    /// - Throws: on internal failure; reported per sample.
    func check(gold: String, prediction: String) throws -> AnswerCheck

    /// A copy that extracts predictions with the named rules (e.g. `["boxed", "answerTag"]`), for the
    /// `accuracy` reward's `prediction_rules` parameter.
    /// - Parameter rules: rule names understood by this checker.
    /// - Returns: the reconfigured checker.
    /// - Throws: `RewardsError.invalidParameter` for unknown rules or when the checker has no rules.
    func withPredictionRules(_ rules: [String]) throws -> any MathAnswerChecker
}

extension MathAnswerChecker {
    public func withPredictionRules(_ rules: [String]) throws -> any MathAnswerChecker {
        throw RewardsError.invalidParameter(reward: "accuracy", parameter: "prediction_rules", value: rules.joined(separator: ","),
                                            expected: "no value: this math checker has no configurable extraction rules")
    }
}

/// Exact integer comparison: the gold must be an integer; the prediction's **last** integer is compared
/// (commas, `$`, and whitespace inside numbers are ignored; `+`/`-` signs kept).
/// Used by the arithmetic task; it needs no LaTeX understanding.
public struct IntegerAnswerChecker: MathAnswerChecker {
    /// Creates the checker.
    public init() {}

    public func check(gold: String, prediction: String) throws -> AnswerCheck {
        guard let g = Self.lastInteger(in: gold) else {
            return AnswerCheck(isCorrect: false, goldParsed: false, explanation: "gold '\(gold)' has no integer")
        }
        guard let p = Self.lastInteger(in: prediction) else {
            return AnswerCheck(isCorrect: false, extractedGold: g, explanation: "no integer in the prediction")
        }
        let ok = p == g
        return AnswerCheck(isCorrect: ok, extractedGold: g, extractedPrediction: p,
                           explanation: ok ? "integers equal (\(g))" : "integers differ: \(p) ≠ \(g)")
    }

    /// The last integer in `text`, canonical (no leading zeros, "-" for negatives, no "-0").
    /// Digit groups separated by commas (`1,234`) are one number.
    /// - Parameter text: any text.
    /// - Returns: decimal digits with optional leading "-", or nil.
    public static func lastInteger(in text: String) -> String? {
        let chars = Array(text.unicodeScalars)
        var i = chars.count - 1
        while i >= 0 && !(chars[i].value >= 48 && chars[i].value <= 57) { i -= 1 }
        guard i >= 0 else { return nil }
        var digits: [Unicode.Scalar] = []
        while i >= 0 {
            let c = chars[i]
            if c.value >= 48 && c.value <= 57 {
                digits.append(c)
            } else if c == ",", i > 0, chars[i - 1].value >= 48 && chars[i - 1].value <= 57 {
                // thousands separator
            } else {
                break
            }
            i -= 1
        }
        // A decimal point right before means this is a fraction part: not an integer answer.
        if i >= 1, chars[i] == ".", chars[i - 1].value >= 48 && chars[i - 1].value <= 57 { return nil }
        let negative = i >= 0 && (chars[i] == "-" || chars[i] == "\u{2212}")
        var s = String(String.UnicodeScalarView(digits.reversed()))
        while s.count > 1 && s.hasPrefix("0") { s.removeFirst() }
        return (negative && s != "0") ? "-" + s : s
    }
}
