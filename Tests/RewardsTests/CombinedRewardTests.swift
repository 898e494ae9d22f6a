// CombinedRewardTests.swift — the reward contract: nil handling, weighted totals, per-sample failures,
// timeouts, statistics, and concurrent scoring.

import Foundation
import Testing
@testable import Rewards

@Suite struct CombinedRewardTests {
    @Test func weightedTotalTreatsNilAsZeroUnlessAllNil() throws {
        // accuracy: nil for generic examples; format: always applies.
        let acc = MathAccuracyReward(checker: IntegerAnswerChecker())
        let combined = try CombinedReward([WeightedReward(acc, weight: 1.0), WeightedReward(FormatReward(), weight: 0.5)])
        let good = "<think>\nx\n</think>\n<answer>\n5\n</answer>"
        let samples = [
            sample(good, gold: "5"),                 // 1*1 + 0.5*1 = 1.5
            sample("the answer is 4", gold: "5"),    // 0 + 0 = 0
            sample(good, gold: nil, kind: .generic), // acc nil → 0.5
        ]
        let s = combined.score(samples)
        #expect(s.totals == [1.5, 0.0, 0.5])
        #expect(s.outcomes(named: "accuracy") == [.value(1), .value(0), .notApplicable])
        #expect(s.outcomes(named: "format") == [.value(1), .value(0), .value(1)])

        let onlyAcc = try CombinedReward([WeightedReward(acc)])
        #expect(onlyAcc.score([samples[2]]).totals == [nil])
    }

    @Test func failuresAreReportedPerSampleAndExcluded() throws {
        let combined = try CombinedReward([
            WeightedReward(BehaviourReward(name: "thrower", behaviour: .throwing), weight: 2),
            WeightedReward(BehaviourReward(name: "nan", behaviour: .nan)),
            WeightedReward(BehaviourReward(name: "half", behaviour: .value(0.5)), weight: 3),
        ])
        let s = combined.score([sample("a"), sample("b")])
        #expect(s.totals == [1.5, 1.5])
        #expect(s.outcomes[0][0] == .failed(.rewardThrew(reward: "thrower", message: "boom")))
        #expect(s.outcomes[1][1] == .failed(.nonFiniteScore(reward: "nan", value: .nan)) || s.outcomes[1][1].error != nil)
        let stats = s.statistics()
        #expect(stats.map(\.name) == ["thrower", "nan", "half", "reward"])
        #expect(stats[0].failed == 2 && stats[0].count == 0 && stats[0].mean == nil)
        #expect(stats[2].mean == 0.5 && stats[2].std == 0)
    }

    @Test func perRewardTimeoutReportsTimedOutWithoutBlockingTheBatch() throws {
        let slow = BehaviourReward(name: "slow", behaviour: .sleep(2))
        let combined = try CombinedReward([WeightedReward(slow, timeout: 0.05), WeightedReward(TagCountReward())])
        let start = Date()
        let s = combined.score([sample("<think>\n"), sample("x")])
        #expect(Date().timeIntervalSince(start) < 1.5)
        #expect(s.outcomes[0] == [.failed(.timedOut(reward: "slow", seconds: 0.05)), .failed(.timedOut(reward: "slow", seconds: 0.05))])
        #expect(s.totals == [0.25, 0])
    }

    @Test func statisticsUseBesselCorrectedStd() {
        let st = RewardStatistics(name: "r", outcomes: [.value(1), .value(0), .value(0), .value(1), .notApplicable])
        #expect(st.count == 4 && st.notApplicable == 1)
        #expect(st.mean == 0.5)
        // Σ(x−m)² = 1, n−1 = 3 → sqrt(1/3)
        #expect(abs(st.std! - (1.0 / 3.0).squareRoot()) < 1e-15)
    }

    @Test func invalidWeightsAndTimeoutsAreRejected() {
        #expect(throws: RewardsError.self) { try CombinedReward([]) }
        #expect(throws: RewardsError.self) { try CombinedReward([WeightedReward(TagCountReward(), weight: .nan)]) }
        #expect(throws: RewardsError.self) { try CombinedReward([WeightedReward(TagCountReward(), timeout: 0)]) }
    }

    @Test func concurrentScoringFromManyThreadsMatchesSerial() throws {
        let combined = try CombinedReward([
            WeightedReward(MathAccuracyReward(checker: IntegerAnswerChecker())),
            WeightedReward(FormatReward()), WeightedReward(FormatReward(.soft)), WeightedReward(TagCountReward()),
            WeightedReward(LanguageConsistencyReward()), WeightedReward(try RepetitionPenaltyReward()),
            WeightedReward(try CountdownReward()),
        ])
        let task = try CountdownTask()
        let cd = try task.examples(split: .train, count: 20, seed: 3)
        var samples: [RewardSample] = []
        for i in 0..<200 {
            let text = i % 3 == 0 ? "<think>\nstep \(i) step \(i)\n</think>\n<answer>\n\(i)\n</answer>" : "answer \(i % 7) 我们"
            samples.append(sample(text, gold: String(i % 7)))
            let ex = cd[i % cd.count]
            samples.append(RewardSample(example: ex, completion: Completion(task.referenceCompletion(for: ex)!)))
        }
        let batch = samples
        let serial = combined.score(batch)
        let results = ResultsBox()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in results.append(combined.score(batch)) }
        #expect(results.all.count == 8)
        for r in results.all { #expect(r == serial) }
    }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [RewardBatchScores] = []
    func append(_ s: RewardBatchScores) { lock.lock(); items.append(s); lock.unlock() }
    var all: [RewardBatchScores] { lock.lock(); defer { lock.unlock() }; return items }
}
