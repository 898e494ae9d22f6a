// MajorityVoteTests.swift — cons@k grouping by mathematical equivalence, tie-breaking, non-voting samples.

import Testing
@testable import Evaluation

@Suite struct MajorityVoteTests {
    let vote = MajorityVote()

    @Test func decimalAndFractionAreOneGroup() {
        let groups = vote.groups(["0.5", "\\frac{1}{2}", "1/2", "3"])
        #expect(groups == [AnswerGroup(representative: "0.5", members: [0, 1, 2]), AnswerGroup(representative: "3", members: [3])])
    }

    @Test func equivalenceIsNotStringIdentity() {
        #expect(vote.equivalent("0.5", "\\frac{1}{2}"))
        #expect(vote.equivalent("\\frac{1}{2}", "0.5"))
        #expect(vote.equivalent("2", "2.0"))
        #expect(!vote.equivalent("0.5", "0.25"))
    }

    @Test func winnerIsTheLargestGroup() {
        // "3" twice vs "0.5" once and "\frac{1}{2}"… equivalent to 0.5: the 0.5 group has 3 members.
        let w = vote.winner(["3", "0.5", "3", "\\frac{1}{2}", "1/2"])
        #expect(w == AnswerGroup(representative: "0.5", members: [1, 3, 4]))
    }

    @Test func tieGoesToTheAnswerThatAppearedFirst() {
        #expect(vote.winner(["7", "8", "8", "7"])?.representative == "7")
        #expect(vote.winner(["8", "7", "7", "8"])?.representative == "8")
        #expect(vote.winner(["1", "2", "3"]) == AnswerGroup(representative: "1", members: [0]))
    }

    @Test func samplesWithoutAnAnswerDoNotVote() {
        #expect(vote.winner([nil, "4", nil, nil]) == AnswerGroup(representative: "4", members: [1]))
        #expect(vote.winner([nil, nil]) == nil)
        #expect(vote.winner([]) == nil)
    }

    @Test func answersAreExtractedLikeTheAccuracyReward() {
        #expect(vote.answer(in: "<think>\nhalf\n</think>\n<answer>\n\\frac{1}{2}\n</answer>") == "\\frac{1}{2}")
        #expect(vote.answer(in: "so the result is \\boxed{0.5}.") == "0.5")
        #expect(vote.answer(in: "no idea") == nil)
    }
}
