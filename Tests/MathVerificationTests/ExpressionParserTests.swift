// Parser: structure of the trees for LaTeX and plain syntax, and failures on malformed input.
import Testing
@testable import MathVerification

struct ExpressionParserTests {
    private func parse(_ s: String) throws -> MathExpression {
        try ExpressionParser.parse(s, budget: WorkBudget(operationLimit: 100_000, timeLimitSeconds: 1))
    }

    /// Evaluates a constant expression numerically (independent of CanonicalForm).
    private func value(_ s: String) throws -> Double {
        let v = try NumericEvaluator.evaluate(try parse(s), [:], budget: WorkBudget(operationLimit: 100_000, timeLimitSeconds: 1))
        return v.re
    }

    @Test(arguments: [
        ("\\frac{1}{2}", 0.5), ("\\frac12", 0.5), ("\\frac{3}4", 0.75), ("\\sqrt{16}", 4.0), ("\\sqrt[3]{27}", 3.0), ("\\sqrt4", 2.0),
        ("2^{10}", 1024.0), ("2^3^2", 512.0), ("-2^2", -4.0), ("(-2)^2", 4.0), ("2\\cdot 3", 6.0), ("6 \\div 4", 1.5), ("6/4", 1.5),
        ("2\\frac{1}{2}", 2.5), ("-2\\frac{1}{2}", -2.5), ("137 \\frac{1}{2}", 137.5), ("5!", 120.0), ("|-3|", 3.0),
        ("\\binom{5}{2}", 10.0), ("\\lfloor 2.5 \\rfloor", 2.0), ("\\lceil 2.1 \\rceil", 3.0), ("1.5e3", 1500.0), ("3 \\times 10^{4}", 30000.0),
        ("2(3+4)", 14.0), ("\\pi", Double.pi), ("2\\pi", 2 * Double.pi), ("e", 2.718281828459045), ("\\sin 0", 0.0), ("\\cos(0)", 1.0),
        ("\\ln e", 1.0), ("\\log_2 8", 3.0), ("\\exp(0)", 1.0), ("\\sin^2 x", .nan), ("50%", 0.5), ("\\frac{\\sqrt{2}}{2}", 0.7071067811865476),
    ])
    func evaluatesTo(text: String, expected: Double) throws {
        let v = try value(text)
        if expected.isNaN { #expect(v.isNaN) } else { #expect(abs(v - expected) <= 1e-12 * max(1, abs(expected)), "\(text) = \(v)") }
    }

    @Test func implicitMultiplicationAndSymbols() throws {
        #expect(try parse("2x").freeSymbols == ["x"])
        #expect(try parse("xy").freeSymbols == ["x", "y"])
        #expect(try parse("a_1 + a_{10}").freeSymbols == ["a_1", "a_10"])
        #expect(try parse("\\sin x + \\cos y").freeSymbols == ["x", "y"])
        #expect(try parse("6 - 5i").freeSymbols.isEmpty)
    }

    @Test(arguments: ["", "(", "1 +", "\\frac{1}", "\\frac{1}{2", "2 ** 3", "\\unknowncommand{3}", "|3", "1 2 )", "\\sqrt[3]"])
    func malformedInputThrows(text: String) {
        #expect(throws: MathVerificationError.self) { try parse(text) }
    }

    @Test func deepNestingFailsInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(throws: MathVerificationError.self) { try parse(deep) }
    }

    @Test func errorMessageNamesInputAndPosition() {
        do {
            _ = try parse("1 + )")
            Issue.record("expected a parse failure")
        } catch {
            #expect(String(describing: error).hasPrefix("Cannot parse math expression \"1 + )\" at character"))
        }
    }
}
