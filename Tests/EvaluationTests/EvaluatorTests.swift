// EvaluatorTests.swift — end-to-end evaluation on a scripted sampler whose texts make every figure known by
// hand: pass@1, pass@k, cons@k (with a 0.5 / \frac{1}{2} group and a tie), counts, lengths, reflection; and
// the prompts/seeds the evaluator sends.

import Foundation
import Generation
import Rewards
import Testing
import Tokenizers
@testable import Evaluation

@Suite struct EvaluatorTests {
    /// Three problems × 4 samples. Character tokenizer: each tag is one token, other characters one each.
    static let texts: [[String]] = [
        // gold 1/2: correct, correct, wrong, wrong → c = 2; groups {0.5: 0,1} {3: 2,3} tie → 0.5 (first) ✓
        ["<answer>0.5</answer>", "<answer>\\frac{1}{2}</answer>", "<answer>3</answer>", "<answer>3</answer>"],
        // gold 7: c = 1; groups {7: 0} {8: 1,2}; sample 3 has no answer → majority 8 ✗
        ["<answer>7</answer>", "<answer>8</answer>", "<answer>8</answer>", "Wait, no answer"],
        // gold 12: c = 0; all 11 ✗; every sample truncated (no EOS)
        ["<answer>11</answer>", "<answer>11</answer>", "<answer>11</answer>", "<answer>11</answer>"],
    ]

    func run(_ configuration: EvaluationConfiguration = EvaluationConfiguration(samplesPerProblem: 4, maxNewTokens: 64, seed: 5, problemsPerBatch: 2))
        throws -> (EvaluationReport, ScriptedSampler) {
        let file = try EvaluationFixtures.jsonlTask([("Half of one?", "1/2"), ("3 + 4?", "7"), ("3 * 4?", "12")])
        defer { try? FileManager.default.removeItem(at: file.directory) }
        let task = JSONLTask(file: file.url, reward: try EvaluationFixtures.accuracy())
        let sampler = ScriptedSampler(texts: Self.texts, truncated: { i, _ in i == 2 })
        let evaluator = try Evaluator(sampler: sampler, tokenizer: sampler.tokenizer, style: .r1Zero, configuration: configuration)
        return (try evaluator.evaluate(task: task), sampler)
    }

    @Test func figuresAreExact() throws {
        let (report, _) = try run()
        #expect(report.problems == 3 && report.samplesPerProblem == 4 && report.completions == 12)
        #expect(report.records.map(\.correctCount) == [2, 1, 0])
        #expect(report.correctCompletions == 3)
        #expect(report.unscoredCompletions == 0)
        #expect(report.truncatedCompletions == 4)
        // pass@1 = mean(2/4, 1/4, 0) = 0.25
        #expect(abs(report.passAt1 - 0.25) < 1e-15)
        // pass@2 = mean(1 − 1/6, 1 − 3/6, 0) = 4/9; pass@4 = mean(1, 1, 0) = 2/3
        #expect(report.passAtK.map(\.k) == [1, 2, 4])
        #expect(abs(report.passAtK[0].value - 0.25) < 1e-15)
        #expect(abs(report.passAtK[1].value - 4.0 / 9.0) < 1e-15)
        #expect(abs(report.passAtK[2].value - 2.0 / 3.0) < 1e-15)
        // cons@4: only problem 0's majority is right
        #expect(report.records.map(\.consensusCorrect) == [true, false, false])
        #expect(report.consensusProblems == 3)
        #expect(abs(report.consensusAtK! - 1.0 / 3.0) < 1e-15)
        #expect(report.records[0].consensus == AnswerGroup(representative: "0.5", members: [0, 1]))
        #expect(report.records[1].consensus == AnswerGroup(representative: "8", members: [1, 2]))
        #expect(report.records[1].samples[3].answer == nil)
        // Lengths: problem 0: 5 + 13 + 3 + 3 (+4 EOS) = 28; problem 1: 3 + 3 + 3 + 15 (+4 EOS) = 28;
        // problem 2: 4 × 4 (no EOS) = 16. Mean 72 / 12 = 6.
        #expect(report.records[0].samples.map(\.tokens) == [6, 14, 4, 4])
        #expect(report.responses.meanLength == 6)
        // Words: each "<answer>x</answer>" is [answer, answer] (+ frac in \frac{1}{2}); "Wait, no answer" has 3.
        // Problem 0: 2+3+2+2, problem 1: 2+2+2+3, problem 2: 4×2 → 26 words, 1 reflective ("wait").
        #expect(abs(report.responses.reflectionPerThousandWords - 1000.0 / 26.0) < 1e-12)
        #expect(abs(report.responses.reflectionCompletionFraction - 1.0 / 12.0) < 1e-15)
        #expect(report.responses.languageMixingRate == 0)
    }

    @Test func requestsCarrySeedIndicesAndPrompts() throws {
        let (_, sampler) = try run()
        // problemsPerBatch 2: problems {0, 1} then {2}; each prompt seeded by its own index.
        #expect(sampler.requests.map(\.firstPromptIndex) == [0, 2])
        #expect(sampler.requests.map(\.prompts.count) == [2, 1])
        #expect(sampler.requests.allSatisfy { $0.samplesPerPrompt == 4 && $0.parameters.seed == 5 })
        #expect(sampler.requests.allSatisfy { $0.parameters.temperature == 0.6 && $0.parameters.topP == 0.95 && $0.parameters.maxNewTokens == 64 })
        let tokenizer = CharacterTokenizer()
        let prompt = tokenizer.decode(sampler.requests[0].prompts[1], skipSpecialTokens: true)
        #expect(prompt.hasPrefix("A conversation between User and Assistant.") && prompt.contains("User: 3 + 4?. Assistant:"))
        #expect(sampler.requests[0].parameters.stopTokenIDs == tokenizer.eosTokenIds)
    }

    @Test func batchingDoesNotChangeTheReport() throws {
        let (a, _) = try run(EvaluationConfiguration(samplesPerProblem: 4, maxNewTokens: 64, seed: 5, problemsPerBatch: 1))
        let (b, _) = try run(EvaluationConfiguration(samplesPerProblem: 4, maxNewTokens: 64, seed: 5, problemsPerBatch: 8))
        #expect(a.records == b.records)
        #expect(a.passAt1 == b.passAt1 && a.passAtK == b.passAtK && a.consensusAtK == b.consensusAtK)
    }

    @Test func chatStyleRendersTheQuestionAsAUserTurn() throws {
        let example = RewardExample(prompt: "What is 2+2?", goldAnswer: "4", kind: .math)
        let task = JSONLTask(file: URL(fileURLWithPath: "/unused.jsonl"), reward: try EvaluationFixtures.accuracy())
        let text = EvaluationPromptStyle.chat(.smolLM2, system: nil, instruction: nil).render(example, task: task)
        #expect(text == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nWhat is 2+2?\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
                + "<|im_start|>assistant\n")
        #expect(!EvaluationPromptStyle.chat(.smolLM2, system: nil, instruction: nil).addsSpecialTokens)
        #expect(EvaluationPromptStyle.r1Zero.addsSpecialTokens)
        #expect(EvaluationPromptStyle.r1Zero.name == "r1-zero")
        #expect(EvaluationPromptStyle.chat(.llama3, system: "Be brief.", instruction: nil).name == "chat/llama3 system: Be brief.")
        #expect(EvaluationPromptStyle.chat(.chatML(defaultSystemPrompt: nil), system: nil, instruction: nil).name == "chat/chatml")
    }

    @Test func reportIsReadableAndEncodes() throws {
        let (report, _) = try run()
        let table = report.table()
        #expect(table.contains("pass@1 (mean over k)   25.00%"))
        #expect(table.contains("pass@4"))
        #expect(table.contains("cons@4"))
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: report.json())
        #expect(decoded == report)
        #expect(try JSONDecoder().decode(EvaluationReport.self, from: report.json(includeRecords: false)).records.isEmpty)
    }

    @Test func generatedTasksUseTheLimit() throws {
        let sampler = ScriptedSampler { _, _, _ in "<answer>0</answer>" }
        var configuration = EvaluationConfiguration(samplesPerProblem: 2, maxNewTokens: 8)
        configuration.limit = 5
        let evaluator = try Evaluator(sampler: sampler, tokenizer: sampler.tokenizer, style: .r1Zero, configuration: configuration)
        let report = try evaluator.evaluate(task: ArithmeticTask())
        #expect(report.problems == 5 && report.completions == 10)
        #expect(report.records.allSatisfy { $0.consensus?.representative == "0" })
    }

    @Test func nonMathProblemsDoNotVote() throws {
        let sampler = ScriptedSampler { _, _, _ in "<answer>1 + 2</answer>" }
        var configuration = EvaluationConfiguration(samplesPerProblem: 2, maxNewTokens: 8)
        configuration.limit = 3
        let evaluator = try Evaluator(sampler: sampler, tokenizer: sampler.tokenizer, style: .r1Zero, configuration: configuration)
        let report = try evaluator.evaluate(task: CountdownTask())
        #expect(report.consensusAtK == nil && report.consensusProblems == 0)
        #expect(report.records.allSatisfy { $0.consensus == nil && $0.consensusCorrect == nil && $0.samples.allSatisfy { $0.answer == nil } })
    }
}
