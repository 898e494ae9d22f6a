// Table tests for each extraction rule and for the rule order.
import Testing
@testable import MathVerification

struct AnswerExtractorTests {
    @Test(arguments: [
        ("so \\boxed{42}.", "42"),
        ("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"),
        ("a \\boxed{1} then \\boxed{\\{1, {2}\\}}", "\\{1, {2}\\}"),
        ("\\boxed 5", "5"),
        ("\\boxed 5.", "5"),
        ("$\\fbox{x+1}$", "x+1"),
        ("\\boxed{}", ""),
    ])
    func lastBoxed(text: String, expected: String) {
        #expect(AnswerExtractor.lastBoxed(in: text) == expected)
    }

    @Test(arguments: ["no box here", "\\boxed{3", "\\boxed{1} and \\boxed{\\frac{2}{3}", "\\boxedfoo{3}"])
    func lastBoxedMissingOrUnclosed(text: String) {
        #expect(AnswerExtractor.lastBoxed(in: text) == nil)
    }

    @Test func allBoxedKeepsOrderAndRejectsUnclosedLast() {
        #expect(AnswerExtractor.allBoxed(in: "\\boxed{1} and \\fbox{2}") == ["1", "2"])
        #expect(AnswerExtractor.allBoxed(in: "\\boxed{1} and \\boxed{2") == nil)
    }

    @Test(arguments: [
        ("<think>x</think><answer>12</answer>", "12"),
        ("<answer>\n \\boxed{7} \n</answer>", "7"),
        ("<answer>1</answer> later <answer>2</answer>", "2"),
    ])
    func answerTag(text: String, expected: String) {
        #expect(AnswerExtractor.answerTag(in: text)?.trimmingWhitespace() == expected)
    }

    @Test func answerTagUnclosed() {
        #expect(AnswerExtractor.answerTag(in: "<answer>12") == nil)
    }

    @Test(arguments: [
        ("She has 3 left.\n#### 18", "18"),
        ("#### 1,000\n", "1,000"),
        ("#### -5", "-5"),
    ])
    func gsm8kHashes(text: String, expected: String) {
        #expect(AnswerExtractor.gsm8kHashes(in: text) == expected)
    }

    @Test(arguments: [
        ("Thus the answer is 7. Done.", "7"),
        ("The final answer is $\\frac{1}{2}$. Then $9$.", "\\frac{1}{2}"),
        ("Final Answer: 3.5 meters", "3.5 meters"),
        ("**Answer:** 12", "12"),
        ("Janet makes $18.\n\n**Answer: 18**", "18"),
        ("the answer is \\boxed{4}", "4"),
    ])
    func answerPhrase(text: String, expected: String) {
        #expect(AnswerExtractor.answerPhrase(in: text) == expected)
    }

    @Test(arguments: [
        ("we have $x=1$ and $y = 2$", "y = 2"),
        ("so \\(\\frac{1}{2}\\) holds", "\\frac{1}{2}"),
        ("display $$3$$ then \\[4\\]", "4"),
        ("price \\$5 and $6$", "6"),
    ])
    func lastLatexBlock(text: String, expected: String) {
        #expect(AnswerExtractor.lastLatexBlock(in: text) == expected)
    }

    @Test(arguments: [
        ("I think 4 then 5", "5"),
        ("total 1,234.5.", "1,234.5"),
        ("it is -3/4", "-3/4"),
        ("rate 12%", "12%"),
    ])
    func lastNumber(text: String, expected: String) {
        #expect(AnswerExtractor.lastNumber(in: text) == expected)
    }

    @Test func completionRuleOrderAndRuleReported() {
        let e = AnswerExtractor.completion
        #expect(e.extract(from: "x is 3. \\boxed{4}") == ExtractedAnswer(text: "4", rule: .boxed))
        #expect(e.extract(from: "<answer>9</answer>") == ExtractedAnswer(text: "9", rule: .answerTag))
        #expect(e.extract(from: "work\n#### 12") == ExtractedAnswer(text: "12", rule: .gsm8kHashes))
        #expect(e.extract(from: "The answer is 5. Then $7$") == ExtractedAnswer(text: "5", rule: .answerPhrase))
        #expect(e.extract(from: "we get $\\pi$") == ExtractedAnswer(text: "\\pi", rule: .lastLatex))
        #expect(e.extract(from: "maybe 3 or 8") == ExtractedAnswer(text: "8", rule: .lastNumber))
        #expect(e.extract(from: "<think>maybe \\boxed{3}</think><answer>4</answer>") == ExtractedAnswer(text: "4", rule: .answerTag))
        #expect(e.extract(from: "no idea") == nil)
        #expect(e.extract(from: "") == nil)
    }

    @Test func multipleBoxesAreJoinedUnlessTheLastIsAnnounced() {
        let e = AnswerExtractor.completion
        #expect(e.extract(from: "\\boxed{5} and \\boxed{6}")?.text == "5, 6")
        #expect(e.extract(from: "\\boxed{5} and \\boxed{5}")?.text == "5")
        #expect(e.extract(from: "guess \\boxed{0}, the answer is $\\boxed{6}$")?.text == "6")
        #expect(e.extract(from: "guess \\boxed{0}. Answer: \\boxed{6}")?.text == "6")
        #expect(AnswerExtractor(rules: [.lastBoxed]).extract(from: "\\boxed{5} and \\boxed{6}")?.text == "6")
    }

    @Test func malformedFinalBoxStopsExtraction() {
        // No fallback to the last number when the final box is unclosed or empty.
        #expect(AnswerExtractor.completion.extract(from: "so 12 \\boxed{12") == nil)
        #expect(AnswerExtractor.completion.extract(from: "\\boxed{5} \\boxed{}") == nil)
    }

    @Test func goldRules() {
        let g = AnswerExtractor.gold
        #expect(g.extract(from: "\\frac{1}{2}") == ExtractedAnswer(text: "\\frac{1}{2}", rule: .wholeString))
        #expect(g.extract(from: "2 + 2 = 4 apples.\n#### 4") == ExtractedAnswer(text: "4", rule: .gsm8kHashes))
        #expect(g.extract(from: "Solution ... so $\\boxed{7}$.") == ExtractedAnswer(text: "7", rule: .boxed))
    }
}
