// DigitSumTask: the corpus of `r1 zero` says what its header promises.
import Generation
import Testing
import Tokenizers
@testable import Trainers

@Suite struct DigitSumTaskTests {
    let task = DigitSumTask()

    @Test func reasoningIsARunningSumEndingInTheAnswer() {
        let p = DigitSumTask.Problem(digits: [3, 5, 2, 7])
        #expect(task.prompt(p) == "Q:3+5+2+7=?\nA:")
        #expect(task.reasoning(p) == "<think>3+5=8,8+2=10,10+7=17</think><answer>17</answer>")
        #expect(p.answer == 17)
    }

    @Test func directAnswersUseTheSkimmingHeuristicUnlessLucky() {
        let p = DigitSumTask.Problem(digits: [3, 5, 2, 7])
        var generator = Xoshiro256StarStar(seed: 1)
        let answers = (0..<2000).map { _ in task.direct(p, using: &generator) }
        let correct = answers.filter { $0 == "<answer>17</answer>" }.count
        let heuristic = answers.filter { $0 == "<answer>10</answer>" }.count
        #expect(correct + heuristic == answers.count)
        // directCorrectShare = 0.1: 200 expected, 5 standard deviations is ±67.
        #expect(abs(correct - 200) < 67)
    }

    @Test func heldOutProblemsNeverAppearInTraining() {
        var generator = Xoshiro256StarStar(seed: 2)
        for _ in 0..<500 {
            let train = task.problem(heldOut: false, using: &generator)
            let held = task.problem(heldOut: true, using: &generator)
            #expect(!task.isHeldOut(train))
            #expect(task.isHeldOut(held))
            #expect(train.digits.allSatisfy { (1...9).contains($0) })
        }
    }

    @Test func tagsAreSingleOrdinaryTokensThatSurviveDecoding() {
        let tokenizer = CharacterTokenizer()
        let text = task.reasoning(DigitSumTask.Problem(digits: [1, 2, 3, 4]))
        let ids = tokenizer.encode(text, addSpecialTokens: false)
        #expect(ids.first == tokenizer.tokenId(for: "<think>"))
        #expect(ids.filter { !tokenizer.isSpecialToken($0) }.count == ids.count)
        #expect(tokenizer.decode(ids + [tokenizer.eosTokenId!], skipSpecialTokens: true) == text)
        #expect(ids.count == text.count - (7 + 8 + 8 + 9) + 4)
    }
}
