// EvaluationConfigurationTests.swift — defaults (R1's protocol), validation messages, pass@k lists, task specs.

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

    @Test func taskSpecs() throws {
        #expect(try EvaluationTaskSpec(parsing: "arithmetic").kind == .arithmetic(level: 2))
        #expect(try EvaluationTaskSpec(parsing: "arithmetic:4").kind == .arithmetic(level: 4))
        #expect(try EvaluationTaskSpec(parsing: "countdown").kind == .countdown)
        #expect(try EvaluationTaskSpec(parsing: "gsm8k:/d/test.jsonl").kind == .dataset(.gsm8k, URL(fileURLWithPath: "/d/test.jsonl")))
        #expect(try EvaluationTaskSpec(parsing: "math500:m.jsonl").kind == .dataset(.math500, URL(fileURLWithPath: "m.jsonl")))
        #expect(try EvaluationTaskSpec(parsing: "jsonl:x.jsonl").kind == .jsonl(URL(fileURLWithPath: "x.jsonl")))
        #expect(try EvaluationTaskSpec(parsing: "humaneval:h.jsonl").needsCodeSandbox)
        for bad in ["gsm8k", "gsm8k:", "arithmetic:9", "nonsense", "countdown:3"] {
            #expect(throws: EvaluationError.self) { try EvaluationTaskSpec(parsing: bad) }
        }
    }

    @Test func configurationRoundTripsThroughJSON() throws {
        let c = EvaluationConfiguration(samplesPerProblem: 3, temperature: 0.7, topP: 0.9, maxNewTokens: 64, seed: 9,
                                        passAtK: [1, 3], limit: 5, problemsPerBatch: 2, stopStrings: ["</answer>"], rewardTimeout: 4)
        #expect(try JSONDecoder().decode(EvaluationConfiguration.self, from: JSONEncoder().encode(c)) == c)
    }
}
