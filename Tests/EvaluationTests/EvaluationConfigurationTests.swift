// EvaluationConfigurationTests.swift — defaults (R1's protocol), validation messages, pass@k lists.
// (The `--task` grammar is tested with Rewards' TaskSpec in RewardsTests/TaskSpecTests.swift.)

import Foundation
import Testing
@testable import Evaluation

@Suite struct EvaluationConfigurationTests {
    @Test func defaultsFollowR1() throws {
        let c = EvaluationConfiguration()
        #expect(c.temperature == 0.6 && c.topP == 0.95 && c.samplesPerProblem == 4)
        try c.validate()
        let p = c.samplingParameters(stopTokenIDs: [2])
        #expect(p.temperature == 0.6 && p.topP == 0.95 && p.stopTokenIDs == [2] && p.maxNewTokens == c.maxNewTokens)
    }

    @Test func defaultPassAtKList() {
        #expect(EvaluationConfiguration(samplesPerProblem: 1).reportedPassAtK == [1])
        #expect(EvaluationConfiguration(samplesPerProblem: 4).reportedPassAtK == [1, 2, 4])
        #expect(EvaluationConfiguration(samplesPerProblem: 6).reportedPassAtK == [1, 2, 4, 6])
        #expect(EvaluationConfiguration(samplesPerProblem: 8, passAtK: [8, 1, 8]).reportedPassAtK == [1, 8])
    }

    @Test(arguments: [
        (EvaluationConfiguration(samplesPerProblem: 0), "samplesPerProblem"),
        (EvaluationConfiguration(samplesPerProblem: 4, temperature: 0), "temperature"),
        (EvaluationConfiguration(topP: 0), "topP"),
        (EvaluationConfiguration(maxNewTokens: 0), "maxNewTokens"),
        (EvaluationConfiguration(samplesPerProblem: 4, passAtK: [5]), "passAtK"),
        (EvaluationConfiguration(limit: 0), "limit"),
        (EvaluationConfiguration(problemsPerBatch: 0), "problemsPerBatch"),
        (EvaluationConfiguration(stopStrings: [""]), "stopStrings"),
    ])
    func rejectsOutOfRange(_ configuration: EvaluationConfiguration, _ field: String) {
        #expect {
            try configuration.validate()
        } throws: { error in
            guard case let .invalidConfiguration(f, _, _) = error as? EvaluationError else { return false }
            return f == field
        }
    }

    @Test func greedyWithOneSampleIsAllowed() throws {
        try EvaluationConfiguration(samplesPerProblem: 1, temperature: 0).validate()
    }

    @Test func configurationRoundTripsThroughJSON() throws {
        let c = EvaluationConfiguration(samplesPerProblem: 3, temperature: 0.7, topP: 0.9, maxNewTokens: 64, seed: 9,
                                        passAtK: [1, 3], limit: 5, problemsPerBatch: 2, stopStrings: ["</answer>"], rewardTimeout: 4)
        #expect(try JSONDecoder().decode(EvaluationConfiguration.self, from: JSONEncoder().encode(c)) == c)
    }
}
