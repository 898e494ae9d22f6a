// MathVerifierChecker.swift — adapts MathVerification's `MathVerifier` to the accuracy reward's
// `MathAnswerChecker` interface.

import MathVerification

/// `MathAnswerChecker` backed by `MathVerifier` (LaTeX-aware extraction, normalisation and equivalence,
/// bounded work per call, thread-safe).
public struct MathVerifierChecker: MathAnswerChecker {
    /// The verifier.
    public let verifier: MathVerifier

    /// Creates the checker.
    /// - Parameter verifier: the verifier (default configuration by default).
    public init(verifier: MathVerifier = MathVerifier()) { self.verifier = verifier }

    public func check(gold: String, prediction: String) throws -> AnswerCheck {
        let v = verifier.verify(gold: gold, prediction: prediction)
        return AnswerCheck(isCorrect: v.isEquivalent, goldParsed: v.extractedGold != nil,
                           extractedGold: v.extractedGold?.text, extractedPrediction: v.extractedPrediction?.text,
                           explanation: "[\(v.method.rawValue)] \(v.explanation)")
    }

    /// The full verification (for `r1 verify`).
    /// - Parameters:
    ///   - gold: gold answer.
    ///   - prediction: prediction.
    /// - Returns: MathVerifier's verdict.
    public func verification(gold: String, prediction: String) -> Verification {
        verifier.verify(gold: gold, prediction: prediction)
    }

    public func withPredictionRules(_ rules: [String]) throws -> any MathAnswerChecker {
        var parsed: [ExtractionRule] = []
        for name in rules {
            guard let r = ExtractionRule(rawValue: name) else {
                throw RewardsError.invalidParameter(reward: "accuracy", parameter: "prediction_rules", value: "\"\(name)\"",
                                                    expected: "a comma-separated list of " + ExtractionRule.allCases.map(\.rawValue).joined(separator: ", "))
            }
            parsed.append(r)
        }
        var c = verifier.configuration
        c.predictionRules = parsed
        do {
            return MathVerifierChecker(verifier: try MathVerifier(configuration: c))
        } catch {
            throw RewardsError.invalidParameter(reward: "accuracy", parameter: "prediction_rules", value: rules.joined(separator: ","), expected: "\(error)")
        }
    }
}
