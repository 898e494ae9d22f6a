// `r1 verify`: is a predicted answer mathematically equivalent to the gold answer? Prints the verdict with
// what was extracted from each side, the normalised forms and how it was decided (MathVerification).
import ArgumentParser
import MathVerification

/// Compares a prediction with a gold answer and explains the verdict.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check whether a prediction is mathematically equivalent to a gold answer, and explain why.",
        discussion: """
        The answer is extracted from each side (the gold by #### / \\boxed{} / <answer> / whole string; the \
        prediction by <answer>, \\boxed{}, ####, "the answer is", last LaTeX, last number), normalised, and \
        compared exactly (rationals), symbolically, structurally (tuples, sets, intervals) or by numeric \
        sampling. This is the same verifier the accuracy reward and evaluation use.
        Example: r1 verify '\\frac{1}{2}' 'so the answer is \\boxed{0.5}'
        """)

    @Argument(help: "The gold answer (a bare answer, or a solution with #### or \\boxed{}).")
    var gold: String

    @Argument(help: "The prediction: an answer or a whole completion.")
    var prediction: String

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    /// The verification result as `--json` prints it.
    struct Result: Encodable, Equatable {
        var equivalent: Bool
        var method: String
        var explanation: String
        var gold: Side
        var prediction: Side

        /// One side of the comparison.
        struct Side: Encodable, Equatable {
            var input: String
            var extracted: String?
            var rule: String?
            var normalized: String
        }
    }

    /// Verifies with the default MathVerifier configuration.
    /// - Returns: the result value.
    func verification() -> Result {
        let v = MathVerifier().verify(gold: gold, prediction: prediction)
        return Result(
            equivalent: v.isEquivalent, method: v.method.rawValue, explanation: v.explanation,
            gold: .init(input: gold, extracted: v.extractedGold?.text, rule: v.extractedGold?.rule.rawValue, normalized: v.normalizedGold),
            prediction: .init(input: prediction, extracted: v.extractedPrediction?.text, rule: v.extractedPrediction?.rule.rawValue,
                              normalized: v.normalizedPrediction))
    }

    /// The text `run()` prints.
    /// - Returns: the verdict block, or JSON with `--json`.
    /// - Throws: an encoding error (not expected).
    func output() throws -> String {
        let r = verification()
        if json { return try JSONOutput.encode(r) }
        func side(_ s: Result.Side) -> String {
            guard let extracted = s.extracted else { return "(nothing extracted)" }
            return "\"\(extracted)\" by \(s.rule ?? "?") → \"\(s.normalized)\""
        }
        return [
            r.equivalent ? "EQUIVALENT" : "NOT EQUIVALENT",
            "gold:       " + side(r.gold),
            "prediction: " + side(r.prediction),
            "decided by: \(r.method)",
            "why:        \(r.explanation)",
        ].joined(separator: "\n")
    }

    func run() throws {
        print(try output())
    }
}
