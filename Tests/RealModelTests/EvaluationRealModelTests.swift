// Evaluation with the real SmolLM2-135M-Instruct GGUF: 8 arithmetic problems × 2 samples × 32 tokens through
// BatchGenerator. Checks the report's bookkeeping and that results depend only on (seed, problem, sample):
// grouping problems differently into generator requests, or resuming after an interruption, changes nothing.

import Foundation
import Evaluation
import Generation
import Models
import ModelFormats
import Rewards
import Testing
import Tokenizers

private struct Stop: Error {}

@Suite(.serialized) struct EvaluationRealModelTests {
    @Test func arithmeticSmokeIsDeterministicAcrossBatchingAndResume() throws {
        let url = try ModelLocator.smolLM2()
        let model = try LlamaModel.load(gguf: url)
        let tokenizer = try BPETokenizer(gguf: GGUFFile(url: url))
        let template = try #require(ChatTemplate(for: tokenizer))
        let task = try ArithmeticTask(difficulty: .level(1))
        func evaluator(batch: Int) throws -> Evaluator {
            try Evaluator(sampler: BatchGenerator(model: model), tokenizer: tokenizer, style: .chat(template, system: nil, instruction: nil),
                          configuration: EvaluationConfiguration(samplesPerProblem: 2, maxNewTokens: 32, seed: 3, limit: 8, problemsPerBatch: batch))
        }
        let start = Date()
        let report = try evaluator(batch: 8).evaluate(task: task)
        print("SmolLM2 arithmetic smoke (\(String(format: "%.1f", Date().timeIntervalSince(start)))s):\n\(report.table())")
        #expect(report.problems == 8 && report.completions == 16)
        #expect(report.records.allSatisfy { $0.samples.count == 2 && $0.samples.allSatisfy { $0.tokens >= 1 && $0.tokens <= 32 } })
        #expect(report.unscoredCompletions == 0, "the accuracy reward scores every arithmetic sample")
        #expect(report.passAt1 >= 0 && report.passAt1 <= 1 && report.passAtK.map(\.k) == [1, 2])
        #expect(report.consensusProblems == 8)

        let regrouped = try evaluator(batch: 3).evaluate(task: task)
        #expect(regrouped.records == report.records, "samples must depend only on seed, problem index and sample index")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eval-real-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: Stop.self) {
            try evaluator(batch: 2).evaluate(task: task, resultsDirectory: directory) { _, done in if done == 3 { throw Stop() } }
        }
        let resumed = try evaluator(batch: 2).evaluate(task: task, resultsDirectory: directory)
        // The configurations differ only in problemsPerBatch, so compare everything measured.
        #expect(resumed.records == report.records)
        #expect(resumed.passAt1 == report.passAt1 && resumed.passAtK == report.passAtK && resumed.consensusAtK == report.consensusAtK)
        #expect(resumed.responses == report.responses)
    }
}
