// Verification: the result value of MathVerifier.verify — verdict, what was extracted and normalised,
// how it was decided and a human explanation (printed by `r1 verify`).

/// The outcome of comparing a gold answer with a prediction.
public struct Verification: Equatable, Sendable, CustomStringConvertible {
    /// How the verdict was reached.
    public enum Method: String, Codable, Sendable, Equatable {
        /// Both sides reduced to rational numbers, compared exactly (BigInt).
        case exactRational
        /// Both sides reduced to canonical forms (polynomials with simple radicals, π, e, i) or were identical trees.
        case symbolic
        /// Evaluated at seeded sample points and compared within a relative tolerance.
        case numericSampling
        /// Tuples, sets, intervals, equations, inequalities or matrices compared component-wise.
        case structural
        /// Normalised strings compared (identical strings, text answers, unparseable answers).
        case string
        /// No answer could be extracted from the gold or the prediction.
        case extractionFailed
        /// The work budget ran out; the verdict is "not equivalent".
        case budgetExceeded
    }

    /// Whether the prediction is equivalent to the gold answer.
    public var isEquivalent: Bool
    /// The answer extracted from the gold string, if any.
    public var extractedGold: ExtractedAnswer?
    /// The answer extracted from the prediction, if any.
    public var extractedPrediction: ExtractedAnswer?
    /// Normalised gold answer (empty when nothing was extracted).
    public var normalizedGold: String
    /// Normalised prediction (empty when nothing was extracted).
    public var normalizedPrediction: String
    /// How the verdict was decided.
    public var method: Method
    /// One or two sentences for humans (`r1 verify`).
    public var explanation: String

    /// Creates a verification result.
    public init(isEquivalent: Bool, extractedGold: ExtractedAnswer?, extractedPrediction: ExtractedAnswer?,
                normalizedGold: String, normalizedPrediction: String, method: Method, explanation: String) {
        self.isEquivalent = isEquivalent
        self.extractedGold = extractedGold
        self.extractedPrediction = extractedPrediction
        self.normalizedGold = normalizedGold
        self.normalizedPrediction = normalizedPrediction
        self.method = method
        self.explanation = explanation
    }

    /// "EQUIVALENT [method] explanation" or "NOT EQUIVALENT …".
    public var description: String {
        "\(isEquivalent ? "EQUIVALENT" : "NOT EQUIVALENT") [\(method.rawValue)] \(explanation)"
    }
}
