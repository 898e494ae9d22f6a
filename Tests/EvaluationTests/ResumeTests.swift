// ResumeTests.swift — an evaluation interrupted after m problems and resumed equals an uninterrupted one,
// samples only the missing problems, survives a torn last line, and refuses different settings.

import Foundation
import Rewards
import Testing
@testable import Evaluation

private struct Interrupted: Error {}

@Suite struct ResumeTests {
    static let problems = (0..<7).map { (prompt: "Problem \($0)?", answer: "\($0 % 3)") }
    /// Answers depend on (seed, problem, sample) only, so reruns are reproducible.
    static func script(_ seed: UInt64, _ i: Int, _ g: Int) -> String {
        "<think>\nwait\n</think>\n<answer>\(Int((seed &+ UInt64(i * 5 + g * 3)) % 3))</answer>"
    }
    static let configuration = EvaluationConfiguration(samplesPerProblem: 3, maxNewTokens: 32, seed: 11, problemsPerBatch: 2)

    func evaluator(_ configuration: EvaluationConfiguration = configuration) throws -> (Evaluator, ScriptedSampler) {
        let sampler = ScriptedSampler(script: Self.script)
        return (try Evaluator(sampler: sampler, tokenizer: sampler.tokenizer, style: .r1Zero, configuration: configuration), sampler)
    }

    @Test(arguments: [1, 3, 4, 6])
    func interruptedThenResumedEqualsUninterrupted(_ m: Int) throws {
        let file = try EvaluationFixtures.jsonlTask(Self.problems)
        defer { try? FileManager.default.removeItem(at: file.directory) }
        let task = JSONLTask(file: file.url, reward: try EvaluationFixtures.accuracy())
        let reference = try evaluator().0.evaluate(task: task)

        let results = file.directory.appendingPathComponent("results")
        let (first, firstSampler) = try evaluator()
        #expect(throws: Interrupted.self) {
            try first.evaluate(task: task, resultsDirectory: results) { _, done in if done == m { throw Interrupted() } }
        }
        #expect(Set(firstSampler.sampledProblems).isSuperset(of: 0..<m))
        let saved = try String(contentsOf: results.appendingPathComponent("problems.jsonl"), encoding: .utf8)
        #expect(saved.split(separator: "\n").count == m)

        let (second, secondSampler) = try evaluator()
        let resumed = try second.evaluate(task: task, resultsDirectory: results)
        #expect(secondSampler.sampledProblems == Array(m..<Self.problems.count))
        #expect(resumed == reference)
        let onDisk = try JSONDecoder().decode(EvaluationReport.self, from: Data(contentsOf: results.appendingPathComponent("report.json")))
        #expect(onDisk == reference)

        // A third run has nothing left to sample and reports the same.
        let (third, thirdSampler) = try evaluator()
        #expect(try third.evaluate(task: task, resultsDirectory: results) == reference)
        #expect(thirdSampler.requests.isEmpty)
    }

    @Test func tornLastLineIsDroppedAndRedone() throws {
        let file = try EvaluationFixtures.jsonlTask(Self.problems)
        defer { try? FileManager.default.removeItem(at: file.directory) }
        let task = JSONLTask(file: file.url, reward: try EvaluationFixtures.accuracy())
        let reference = try evaluator().0.evaluate(task: task)
        let results = file.directory.appendingPathComponent("results")
        #expect(throws: Interrupted.self) {
            try evaluator().0.evaluate(task: task, resultsDirectory: results) { _, done in if done == 2 { throw Interrupted() } }
        }
        let records = results.appendingPathComponent("problems.jsonl")
        let handle = try FileHandle(forWritingTo: records)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"index\":2,\"samp".utf8))
        try handle.close()
        let (resumer, sampler) = try evaluator()
        #expect(try resumer.evaluate(task: task, resultsDirectory: results) == reference)
        #expect(sampler.sampledProblems == Array(2..<Self.problems.count))
        #expect(try String(contentsOf: records, encoding: .utf8).split(separator: "\n").count == Self.problems.count)
    }

    @Test func differentSettingsAreRefused() throws {
        let file = try EvaluationFixtures.jsonlTask(Self.problems)
        defer { try? FileManager.default.removeItem(at: file.directory) }
        let task = JSONLTask(file: file.url, reward: try EvaluationFixtures.accuracy())
        let results = file.directory.appendingPathComponent("results")
        _ = try evaluator().0.evaluate(task: task, resultsDirectory: results)
        var other = Self.configuration
        other.seed = 12
        #expect {
            try evaluator(other).0.evaluate(task: task, resultsDirectory: results)
        } throws: { error in
            guard case .resumeMismatch = error as? EvaluationError else { return false }
            return true
        }
    }

    @Test func corruptMiddleLineIsAnError() throws {
        let file = try EvaluationFixtures.jsonlTask(Self.problems)
        defer { try? FileManager.default.removeItem(at: file.directory) }
        let task = JSONLTask(file: file.url, reward: try EvaluationFixtures.accuracy())
        let results = file.directory.appendingPathComponent("results")
        #expect(throws: Interrupted.self) {
            try evaluator().0.evaluate(task: task, resultsDirectory: results) { _, done in if done == 2 { throw Interrupted() } }
        }
        let records = results.appendingPathComponent("problems.jsonl")
        let text = try String(contentsOf: records, encoding: .utf8)
        try ("garbage\n" + text).write(to: records, atomically: true, encoding: .utf8)
        #expect {
            try evaluator().0.evaluate(task: task, resultsDirectory: results)
        } throws: { error in
            guard case let .resultsFile(_, line, _) = error as? EvaluationError else { return false }
            return line == 1
        }
    }
}
