// Table tests for each normalisation step and for the composed normaliser.
import Testing
@testable import MathVerification

struct AnswerNormalizerTests {
    @Test func replaceUnicode() {
        #expect(AnswerNormalizer.replaceUnicode("−5") == "-5")
        #expect(AnswerNormalizer.replaceUnicode("2π") == "2\\pi ")
        #expect(AnswerNormalizer.replaceUnicode("90°") == "90^\\circ")
    }

    @Test(arguments: [("$5$", "5"), ("$$x$$", "x"), ("\\(1\\)", "1"), ("\\[2\\]", "2"), ("$5", "$5")])
    func stripMathDelimiters(input: String, expected: String) {
        #expect(AnswerNormalizer.stripMathDelimiters(input) == expected)
    }

    @Test func removeDollarSigns() {
        #expect(AnswerNormalizer.removeDollarSigns("\\$18.90") == "18.90")
    }

    @Test func removeSpacingCommands() {
        #expect(AnswerNormalizer.removeSpacingCommands("1\\!000") == "1000")
        #expect(AnswerNormalizer.removeSpacingCommands("a\\,b\\;c\\ d~e") == "a b c d e")
        #expect(AnswerNormalizer.removeSpacingCommands("11,\\! 111") == "11,111")
    }

    @Test func removeLeftRight() {
        #expect(AnswerNormalizer.removeLeftRight("\\left( 1, 2 \\right)") == "( 1, 2 )")
        #expect(AnswerNormalizer.removeLeftRight("a \\rightarrow b") == "a \\rightarrow b")
    }

    @Test func unifyFractionCommands() {
        #expect(AnswerNormalizer.unifyFractionCommands("\\dfrac{1}{2}+\\tfrac{1}{3}") == "\\frac{1}{2}+\\frac{1}{3}")
    }

    @Test(arguments: [("90^\\circ", "90"), ("90^{\\circ}", "90"), ("45\\degree", "45")])
    func removeDegrees(input: String, expected: String) {
        #expect(AnswerNormalizer.removeDegrees(input) == expected)
    }

    @Test(arguments: [
        ("18 \\text{ cm}", "18"), ("5\\mbox{ m}", "5"), ("18 dollars", "18"), ("\\frac{270}7 degrees", "\\frac{270}7"),
        ("\\text{(A)}", "\\text{(A)}"), ("x \\text{ and } y", "x \\text{ and } y"),
    ])
    func removeTrailingUnits(input: String, expected: String) {
        #expect(AnswerNormalizer.removeTrailingUnits(input) == expected)
    }

    @Test func unwrapTextCommands() {
        #expect(AnswerNormalizer.unwrapTextCommands("\\text{Evelyn}") == "Evelyn")
        #expect(AnswerNormalizer.unwrapTextCommands("\\textbf{(C)}") == "(C)")
        #expect(AnswerNormalizer.unwrapTextCommands("\\mathrm{a\\text{b}}") == "ab")
    }

    @Test(arguments: [("1,000", "1000"), ("-1,234,567.5", "-1234567.5"), ("1{,}000", "1000"), ("1,2", "1,2"), ("1,0000", "1,0000"), ("(1,000)", "(1,000)")])
    func removeThousandsSeparators(input: String, expected: String) {
        #expect(AnswerNormalizer.removeThousandsSeparators(input) == expected)
    }

    @Test func stripTrailingPunctuation() {
        #expect(AnswerNormalizer.stripTrailingPunctuation("5. ") == "5")
        #expect(AnswerNormalizer.stripTrailingPunctuation("x;") == "x")
    }

    @Test(arguments: [("x = 5", "5"), ("y=2x+1", "y=2x+1"), ("x = \\frac{1}{2}", "\\frac{1}{2}"), ("a_1 = 3", "3"), ("area = 5", "area = 5"), ("x = y = 2", "x = y = 2")])
    func stripEquationPrefix(input: String, expected: String) {
        #expect(AnswerNormalizer.stripEquationPrefix(input) == expected)
    }

    @Test(arguments: [("(A)", "A"), ("(c)", "C"), ("B", "B"), ("a", "a"), ("x", "x")])
    func normalizeMultipleChoice(input: String, expected: String) {
        #expect(AnswerNormalizer.normalizeMultipleChoice(input) == expected)
    }

    @Test func fixLeadingDecimalPointAndWhitespace() {
        #expect(AnswerNormalizer.fixLeadingDecimalPoint(".5") == "0.5")
        #expect(AnswerNormalizer.fixLeadingDecimalPoint("-.25") == "-0.25")
        #expect(AnswerNormalizer.collapseWhitespace("  a \n  b ") == "a b")
    }

    @Test func stripPercent() {
        #expect(AnswerNormalizer.stripPercent("50\\%") == ("50", true))
        #expect(AnswerNormalizer.stripPercent("12 %") == ("12", true))
        #expect(AnswerNormalizer.stripPercent("12") == ("12", false))
    }

    @Test(arguments: [
        ("$x = \\dfrac{1}{2}\\,\\text{cm}.$", "\\frac{1}{2}"),
        ("\\$1,000", "1000"),
        ("\\left[ 1, 2 \\right)", "[ 1, 2 )"),
        ("\\text{(B)}", "B"),
        ("−\\infty", "-\\infty"),
        ("", ""),
    ])
    func normalizeComposed(input: String, expected: String) {
        #expect(AnswerNormalizer.normalize(input) == expected)
    }
}
