// MathVerifier: the verifiable-reward core. Extracts the final answer from gold and prediction, normalises
// both, parses them into structured values and decides equivalence (exact rationals, canonical forms,
// numeric sampling, component-wise structures), within a per-call work budget. Pure and thread-safe:
// no global state, no signals; one `WorkBudget` per call. Not a CAS: it does not solve or factor.

/// Decides whether a predicted final answer equals a gold answer.
///
/// ```swift
/// let v = MathVerifier().verify(gold: "\\frac{1}{2}", prediction: "… so the answer is \\boxed{0.5}.")
/// v.isEquivalent   // true
/// v.method         // .exactRational
/// ```
public struct MathVerifier: Sendable {
    /// The validated configuration.
    public let configuration: Configuration

    /// Creates a verifier.
    /// - Parameter configuration: settings; validated here.
    /// - Throws: `MathVerificationError.invalidConfiguration` when a field is out of range.
    public init(configuration: Configuration) throws(MathVerificationError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Creates a verifier with the default configuration.
    public init() {
        self.configuration = Configuration()
    }

    /// Verifies one (gold, prediction) pair.
    /// - Parameters:
    ///   - gold: reference answer: a plain value (MATH-500 `answer`), a GSM8K answer ending in "#### n",
    ///     or a solution containing `\boxed{}`.
    ///   - prediction: the model completion (any text).
    /// - Returns: the verdict with extraction, normalisation, method and explanation. Never throws, never hangs:
    ///   budget exhaustion yields `isEquivalent == false` with method `.budgetExceeded`.
    public func verify(gold: String, prediction: String) -> Verification {
        let goldExtractor = AnswerExtractor(rules: configuration.goldRules)
        let predictionExtractor = AnswerExtractor(rules: configuration.predictionRules)
        let g = goldExtractor.extract(from: gold)
        let p = predictionExtractor.extract(from: prediction)
        guard let g, let p else {
            let which = g == nil ? "gold" : "prediction"
            return Verification(isEquivalent: false, extractedGold: g, extractedPrediction: p,
                                normalizedGold: g.map { AnswerNormalizer.normalize($0.text) } ?? "",
                                normalizedPrediction: p.map { AnswerNormalizer.normalize($0.text) } ?? "",
                                method: .extractionFailed,
                                explanation: "No answer found in the \(which) (rules tried: \((g == nil ? goldExtractor : predictionExtractor).rules.map(\.rawValue).joined(separator: ", "))).")
        }
        let limit = configuration.maxAnswerLength
        if g.text.utf8.count > limit || p.text.utf8.count > limit {
            return Verification(isEquivalent: false, extractedGold: g, extractedPrediction: p, normalizedGold: "", normalizedPrediction: "",
                                method: .budgetExceeded,
                                explanation: "Extracted \(g.text.utf8.count > limit ? "gold" : "prediction") answer is longer than maxAnswerLength = \(limit) bytes; not compared.")
        }
        let ng = AnswerNormalizer.normalize(g.text), np = AnswerNormalizer.normalize(p.text)
        func result(_ eq: Bool, _ method: Verification.Method, _ reason: String) -> Verification {
            Verification(isEquivalent: eq, extractedGold: g, extractedPrediction: p, normalizedGold: ng, normalizedPrediction: np,
                         method: method,
                         explanation: "gold \"\(ng)\" (\(g.rule.rawValue)) vs prediction \"\(np)\" (\(p.rule.rawValue)): \(reason).")
        }
        if np.isEmpty { return result(false, .extractionFailed, "prediction is empty after normalisation") }
        if ng == np { return result(true, .string, "identical after normalisation") }
        if Self.isWordAnswer(ng), Self.isWordAnswer(np), ng.lowercased() == np.lowercased() {
            return result(true, .string, "same words ignoring case")
        }
        let budget = WorkBudget(operationLimit: configuration.operationLimit, timeLimitSeconds: configuration.timeLimitSeconds)
        var equivalence = Equivalence(budget: budget, tolerance: configuration.relativeTolerance,
                                      samplePoints: configuration.samplePoints, seed: configuration.seed)
        // A decimal written with at least `decimalRoundingPlaces` digits may be a rounding of the other answer:
        // compare both rounded to the number of digits written (0.333333 = 1/3, but 1.0000001 ≠ 1).
        let written = max(Self.longestDecimalFraction(in: ng), Self.longestDecimalFraction(in: np))
        if let places = configuration.decimalRoundingPlaces, written >= places {
            equivalence.roundingPlaces = written
        }
        do throws(MathVerificationError) {
            let (gs, gPercent) = AnswerNormalizer.stripPercent(ng)
            let (ps, pPercent) = AnswerNormalizer.stripPercent(np)
            let gv = try AnswerValueParser.parse(gs, budget: budget)
            let pv = try AnswerValueParser.parse(ps, budget: budget)
            var outcome = try equivalence.compare(gv, pv)
            if !outcome.isEqual, configuration.percentMatchesFraction, gPercent || pPercent,
               case let .expression(ge) = gv, case let .expression(pe) = pv {
                let hundredth = MathExpression.number(Rational(1) .divided(by: Rational(100)) ?? .one)
                let alt = try equivalence.expressions(gPercent ? .product([ge, hundredth]) : ge, pPercent ? .product([pe, hundredth]) : pe)
                if alt.isEqual { outcome = alt; outcome.reason += " (reading % as /100)" }
            }
            return result(outcome.isEqual, outcome.method, outcome.reason)
        } catch {
            return result(false, .budgetExceeded, error.description)
        }
    }

    /// Letters and spaces only, at least two letters ("yes", "No solution").
    static func isWordAnswer(_ s: String) -> Bool {
        s.filter(\.isLetter).count >= 2 && s.allSatisfy { $0.isLetter || $0 == " " }
    }

    /// Number of digits after the decimal point in the longest decimal literal of `s`.
    static func longestDecimalFraction(in s: String) -> Int {
        var best = 0, run = 0, afterDot = false
        var previous: Character = " "
        for c in s {
            if c == "." && previous.isASCIIDigit { afterDot = true; run = 0 } else if c.isASCIIDigit {
                if afterDot { run += 1; best = max(best, run) }
            } else { afterDot = false }
            previous = c
        }
        return best
    }
}
