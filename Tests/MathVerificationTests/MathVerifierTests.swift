// End-to-end table of (gold, prediction, expected verdict, expected method), hand-written from the
// mathematics (each row's verdict is checkable by hand), plus configuration validation.
import Testing
@testable import MathVerification

struct MathVerifierTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let gold: String, prediction: String, equal: Bool, method: Verification.Method
        var testDescription: String { "\(gold) vs \(prediction)" }
        init(_ gold: String, _ prediction: String, _ equal: Bool, _ method: Verification.Method) {
            self.gold = gold; self.prediction = prediction; self.equal = equal; self.method = method
        }
    }

    static let rows: [Row] = [
        // numbers: exact rationals
        Row("\\frac{1}{2}", "\\boxed{0.5}", true, .exactRational),
        Row("\\frac{1}{2}", "\\boxed{\\dfrac{2}{4}}", true, .exactRational),
        Row("\\frac{1}{2}", "\\boxed{\\frac{2}{1}}", false, .exactRational),
        Row("0.333", "\\boxed{1/3}", false, .exactRational),
        Row("\\frac{1}{3}", "\\boxed{0.333333}", true, .exactRational),
        Row("\\frac{1}{3}", "\\boxed{0.3333}", false, .exactRational),
        Row("2\\frac{1}{2}", "\\boxed{2.5}", true, .exactRational),
        Row("1000", "\\boxed{1,000}", true, .string),
        Row("1000", "\\boxed{10^3}", true, .exactRational),
        Row("1500", "\\boxed{1.5 \\times 10^{3}}", true, .exactRational),
        Row("-5", "\\boxed{−5}", true, .string),
        Row("18", "The answer is 18 dollars.", true, .string),
        Row("\\$18.90", "\\boxed{18.9}", true, .exactRational),
        Row("50\\%", "\\boxed{0.5}", true, .exactRational),
        Row("50\\%", "\\boxed{50}", true, .exactRational),
        Row("90^\\circ", "\\boxed{90}", true, .string),
        Row("#### 18", "She earns 17 dollars. \\boxed{17}", false, .exactRational),
        Row("1.5", "\\boxed{3/2}", true, .exactRational),
        Row("5", "\\boxed{5.0}", true, .exactRational),
        // radicals, π, i: canonical forms
        Row("10\\sqrt{2}", "\\boxed{\\sqrt{200}}", true, .symbolic),
        Row("\\frac{\\sqrt{2}}{2}", "\\boxed{\\frac{1}{\\sqrt{2}}}", true, .symbolic),
        Row("\\frac{\\sqrt{3}}{2}", "\\boxed{\\frac{\\sqrt{2}}{2}}", false, .symbolic),
        Row("288\\pi", "\\boxed{\\pi \\cdot 288}", true, .symbolic),
        Row("\\pi", "\\boxed{3.14159}", false, .symbolic),
        Row("6 - 5i", "\\boxed{-5i+6}", true, .symbolic),
        Row("i", "\\boxed{\\sqrt{-1}}", true, .symbolic),
        Row("2x + 3", "\\boxed{3+2x}", true, .symbolic),
        Row("x^2 - 1", "\\boxed{(x-1)(x+1)}", true, .symbolic),
        Row("x^2 - 1", "\\boxed{(x-1)^2}", false, .symbolic),
        Row("\\frac{x}{2}", "\\boxed{0.5x}", true, .symbolic),
        // functions: numeric sampling
        Row("\\sin^2 x + \\cos^2 x", "\\boxed{1}", true, .numericSampling),
        Row("\\sin x", "\\boxed{\\sin(x)}", true, .symbolic),
        Row("\\ln 8", "\\boxed{3\\ln 2}", true, .numericSampling),
        Row("e^{2x}", "\\boxed{(e^x)^2}", true, .numericSampling),
        Row("\\sqrt{x^2}", "\\boxed{|x|}", true, .numericSampling),
        Row("\\tan x", "\\boxed{\\frac{\\sin x}{\\cos x}}", true, .numericSampling),
        Row("\\log_2 8", "\\boxed{3}", true, .numericSampling),
        Row("\\infty", "\\boxed{\\infty}", true, .string),
        // structures
        Row("(3,\\frac{\\pi}{2})", "$(3, \\pi/2)$", true, .structural),
        Row("(1,2)", "\\boxed{(2,1)}", false, .structural),
        Row("\\{1,2\\}", "\\boxed{\\{2,1\\}}", true, .structural),
        Row("1, 2", "\\boxed{2, 1}", true, .structural),
        Row("1, 2", "\\boxed{1} and \\boxed{2}", true, .string),
        Row("1, 2", "\\boxed{1, 2, 3}", false, .structural),
        Row("[1,2)", "\\boxed{[1,2)}", true, .string),
        Row("[1,2)", "\\boxed{(1,2)}", false, .structural),
        Row("(-\\infty, 2]", "\\boxed{(-\\infty,2]}", true, .structural),
        Row("(0,9) \\cup (9,36)", "\\boxed{(0, 9) \\cup (9, 36)}", true, .structural),
        Row("3 \\pm 2\\sqrt{2}", "\\boxed{3+2\\sqrt{2}, 3-2\\sqrt{2}}", true, .structural),
        Row("a=b", "\\boxed{b=a}", true, .structural),
        Row("y = 2x + 3", "\\boxed{2x+3}", true, .symbolic),
        Row("x = 2", "\\boxed{2}", true, .string),
        Row("2x + y = 5", "\\boxed{y = 5 - 2x}", true, .structural),
        Row("x < 2", "\\boxed{2 > x}", true, .structural),
        Row("x \\le 2", "\\boxed{x < 2}", false, .structural),
        Row("x \\in [1,2]", "\\boxed{[1,2]}", true, .structural),
        Row("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\boxed{\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}}", true, .structural),
        Row("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\boxed{\\begin{pmatrix} 1 & 2 \\\\ 4 & 3 \\end{pmatrix}}", false, .structural),
        Row("\\begin{pmatrix} 1/5 \\\\ -18/5 \\end{pmatrix}", "\\boxed{\\begin{pmatrix} 0.2 \\\\ -3.6 \\end{pmatrix}}", true, .structural),
        // text and multiple choice
        Row("\\text{(A)}", "\\boxed{A}", true, .string),
        Row("\\text{(C)}", "The answer is (C).", true, .string),
        Row("\\text{(C)}", "\\boxed{B}", false, .symbolic),
        Row("\\text{Evelyn}", "\\boxed{evelyn}", true, .string),
        Row("\\text{Evelyn}", "\\boxed{Navin}", false, .string),
        // extraction failures
        Row("18", "", false, .extractionFailed),
        Row("18", "I don't know.", false, .extractionFailed),
        Row("18", "\\boxed{18", false, .extractionFailed),
        Row("18", "\\boxed{}", false, .extractionFailed),
        Row("", "\\boxed{3}", false, .extractionFailed),
    ]

    @Test(arguments: rows)
    func table(row: Row) {
        let v = MathVerifier().verify(gold: row.gold, prediction: row.prediction)
        #expect(v.isEquivalent == row.equal, "\(v)")
        #expect(v.method == row.method, "\(v)")
        #expect(!v.explanation.isEmpty)
    }

    @Test func verificationReportsExtractionAndNormalisation() {
        let v = MathVerifier().verify(gold: "\\dfrac{1}{2}", prediction: "Thus $x = \\boxed{\\tfrac{1}{2}}$.")
        #expect(v.isEquivalent)
        #expect(v.extractedGold == ExtractedAnswer(text: "\\dfrac{1}{2}", rule: .wholeString))
        #expect(v.extractedPrediction == ExtractedAnswer(text: "\\tfrac{1}{2}", rule: .boxed))
        #expect(v.normalizedGold == "\\frac{1}{2}")
        #expect(v.normalizedPrediction == "\\frac{1}{2}")
        #expect(v.description.hasPrefix("EQUIVALENT [string]"))
    }

    @Test func lastBoxedConfiguration() throws {
        var c = MathVerifier.Configuration()
        c.predictionRules = [.lastBoxed, .lastNumber]
        let v = try MathVerifier(configuration: c)
        #expect(v.verify(gold: "18", prediction: "First \\boxed{12}, then \\boxed{18}").isEquivalent)
        #expect(!MathVerifier().verify(gold: "18", prediction: "First \\boxed{12}, then \\boxed{18}").isEquivalent)
    }

    @Test func configurationValidationMessages() {
        var c = MathVerifier.Configuration()
        c.samplePoints = 0
        #expect(throws: MathVerificationError.invalidConfiguration(field: "samplePoints", value: "0", rule: "must be in 1...100")) {
            try MathVerifier(configuration: c)
        }
        #expect(MathVerificationError.invalidConfiguration(field: "samplePoints", value: "0", rule: "must be in 1...100").description
            == "MathVerifier.Configuration.samplePoints = 0 is invalid: must be in 1...100. Fix the value in the recipe or the CLI flag.")
        c = MathVerifier.Configuration()
        c.predictionRules = []
        #expect(throws: MathVerificationError.self) { try MathVerifier(configuration: c) }
        c = MathVerifier.Configuration()
        c.relativeTolerance = 0
        #expect(throws: MathVerificationError.self) { try MathVerifier(configuration: c) }
        #expect(throws: Never.self) { try MathVerifier.Configuration().validate() }
    }

    @Test func configurationRoundTripsThroughJSON() throws {
        var c = MathVerifier.Configuration()
        c.decimalRoundingPlaces = nil
        c.goldRules = [.wholeString]
        let data = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(MathVerifier.Configuration.self, from: data) == c)
    }
}

import Foundation
