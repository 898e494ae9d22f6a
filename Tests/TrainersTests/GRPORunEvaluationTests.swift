// GRPORun's held-out evaluation: the schedule (step 0, every eval_steps, the last step), the logs
// (metrics.jsonl eval lines, eval.json, eval/step-N.json), exact resume with evaluation, and that
// evaluating never changes the trained weights. Also the run settings' eval_* keys.
import Foundation
import Generation
import Models
import Testing
import Rewards
import Training
@testable import Trainers

/// An evaluator that samples from the live policy with its own generator (so it would disturb training if
/// any random state were shared) and reports figures computed from the weights and the samples.
final class SamplingProbeEvaluator: GRPORunEvaluator {
    let policy: LlamaModel
    let generator: BatchGenerator<LlamaModel>
    var steps: [Int] = []

    init(trainer: GRPOTrainer) {
        policy = trainer.policy
        generator = BatchGenerator(model: trainer.policy, maximumConcurrentSequences: 8)
    }

    func evaluate(step: Int) throws -> GRPOEvaluationResult {
        steps.append(step)
        let prompts: [[Int32]] = [TinyGRPO.tokenizer.encode("Q1?", addSpecialTokens: true), TinyGRPO.tokenizer.encode("Q2?", addSpecialTokens: true)]
        let batch = try generator.complete(CompletionRequest(prompts: prompts, samplesPerPrompt: 4,
                                                             parameters: SamplingParameters(temperature: 0.6, topP: 0.95, maxNewTokens: 3, seed: 1)),
                                           decoder: nil)
        let lowercase = batch.completions.filter { c in
            guard let first = TinyGRPO.tokenizer.decode(c.tokens, skipSpecialTokens: true).unicodeScalars.first else { return false }
            return ("a"..."z").contains(first)
        }.count
        let checksum = Double(CRC32C.checksum(UnsafeRawBufferPointer(policy.parameters.flat)))
        let metrics = ["eval/pass@1": Double(lowercase) / Double(batch.completions.count),
                       "eval/mean_length": Double(batch.completions.map(\.tokens.count).reduce(0, +)) / Double(batch.completions.count),
                       "eval/weights_crc": checksum]
        return GRPOEvaluationResult(metrics: metrics, report: Data("{\"step\":\(step)}".utf8), summary: "probe \(step)")
    }
}

@Suite struct GRPORunEvaluationTests {
    func makeRun(_ configuration: GRPOConfiguration, directory: URL, evalSteps: Int, evaluator: Bool = true) throws -> (GRPORun, SamplingProbeEvaluator?) {
        var settings = GRPORunSettings()
        settings.evalSteps = evalSteps
        let run = try GRPORun(trainer: try TinyGRPO.trainer(configuration), prompts: try TinyGRPO.prompts(),
                              directory: directory, settings: settings, tensorBoard: false)
        run.output = { _ in }
        let probe = evaluator ? SamplingProbeEvaluator(trainer: run.trainer) : nil
        run.evaluator = probe
        return (run, probe)
    }

    func metricLines(_ directory: URL) throws -> [[String: Any]] {
        try String(contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func evaluatesAtStepZeroEveryEvalStepsAndTheLastStep() throws {
        let directory = TinyGRPO.temporaryDirectory("eval")
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines: [String] = []
        let (run, probe) = try makeRun(TinyGRPO.configuration(steps: 5), directory: directory, evalSteps: 2)
        run.output = { lines.append($0) }
        try run.train()
        #expect(probe?.steps == [0, 2, 4, 5])
        let evalLines = try metricLines(directory).filter { $0["eval/pass@1"] != nil }
        #expect(evalLines.map { $0["step"] as! Int } == [0, 2, 4, 5])
        #expect(evalLines.allSatisfy { $0["eval/time"] != nil && $0["eval/mean_length"] != nil })
        let log = try #require(GRPOEvaluationLog.read(from: directory.appendingPathComponent("eval.json")))
        #expect(log.history.map(\.step) == [0, 2, 4, 5])
        #expect(log.last?.report == "eval/step-00000005.json")
        let report = try String(contentsOf: directory.appendingPathComponent("eval/step-00000002.json"), encoding: .utf8)
        #expect(report == "{\"step\":2}")
        #expect(lines.filter { $0.hasPrefix("eval step ") }.count == 4)
        // The weights at step 0 and step 2 differ (the evaluation saw the live, trained policy).
        #expect(log.history[0].metrics["eval/weights_crc"] != log.history[1].metrics["eval/weights_crc"])
    }

    @Test func evaluationDoesNotChangeTraining() throws {
        let a = TinyGRPO.temporaryDirectory("eval-on"), b = TinyGRPO.temporaryDirectory("eval-off")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let (with, _) = try makeRun(TinyGRPO.configuration(steps: 4), directory: a, evalSteps: 1)
        let (without, _) = try makeRun(TinyGRPO.configuration(steps: 4), directory: b, evalSteps: 1, evaluator: false)
        let r1 = try with.train().map(\.rewardMean)
        let r2 = try without.train().map(\.rewardMean)
        #expect(r1 == r2)
        #expect(TinyGRPO.weights(with.trainer.policy) == TinyGRPO.weights(without.trainer.policy))
        #expect(try metricLines(b).allSatisfy { $0["eval/pass@1"] == nil })
    }

    @Test func resumeKeepsTheEvaluationsUpToTheCheckpointAndMatchesAnUninterruptedRun() throws {
        let a = TinyGRPO.temporaryDirectory("eval-straight"), b = TinyGRPO.temporaryDirectory("eval-resumed")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        var configuration = TinyGRPO.configuration(steps: 6)
        configuration.saveSteps = 3
        let (straight, _) = try makeRun(configuration, directory: a, evalSteps: 2)
        try straight.train()
        // A process that checkpoints at 3, evaluates at 4 and dies: the step-4 evaluation must be redone.
        let (first, _) = try makeRun(configuration, directory: b, evalSteps: 2)
        try first.train(steps: 4)
        #expect(first.evaluationLog.history.map(\.step) == [0, 2, 4])
        let (resumed, probe) = try makeRun(configuration, directory: b, evalSteps: 2)
        #expect(try resumed.resumeIfPossible() == 3)
        #expect(resumed.evaluationLog.history.map(\.step) == [0, 2], "evaluations after the checkpoint are dropped")
        try resumed.train()
        #expect(probe?.steps == [4, 6])
        let x = try #require(GRPOEvaluationLog.read(from: a.appendingPathComponent("eval.json")))
        let y = try #require(GRPOEvaluationLog.read(from: b.appendingPathComponent("eval.json")))
        func figures(_ log: GRPOEvaluationLog) -> [[String: Double]] { log.history.map { $0.metrics.filter { $0.key != "eval/time" } } }
        #expect(x.history.map(\.step) == [0, 2, 4, 6] && y.history.map(\.step) == [0, 2, 4, 6])
        #expect(figures(x) == figures(y))
        let steps = try metricLines(b).map { $0["step"] as! Int }
        #expect(steps == [0, 1, 2, 2, 3, 4, 4, 5, 6, 6], "one training line per step plus eval lines at 0, 2, 4, 6: \(steps)")
        #expect(TinyGRPO.weights(straight.trainer.policy) == TinyGRPO.weights(resumed.trainer.policy))
    }

    @Test func aFreshStartDropsLogsOfAProcessThatDiedBeforeItsFirstCheckpoint() throws {
        let directory = TinyGRPO.temporaryDirectory("eval-fresh")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = TinyGRPO.configuration(steps: 3)
        configuration.saveSteps = 3
        let (first, _) = try makeRun(configuration, directory: directory, evalSteps: 1)
        try first.train(steps: 2)
        let (again, _) = try makeRun(configuration, directory: directory, evalSteps: 1)
        #expect(try again.resumeIfPossible() == nil)
        try again.train()
        let steps = try metricLines(directory).map { $0["step"] as! Int }
        #expect(steps == [0, 1, 1, 2, 2, 3, 3])
        #expect(again.evaluationLog.history.map(\.step) == [0, 1, 2, 3])
    }

    @Test func resumingWithAnotherHeldOutFractionIsRefused() throws {
        let directory = TinyGRPO.temporaryDirectory("eval-holdout")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = TinyGRPO.configuration(steps: 2)
        configuration.saveSteps = 1
        let (first, _) = try makeRun(configuration, directory: directory, evalSteps: 1)
        try first.train(steps: 1)
        // Same directory, evaluation off: the training prompts would differ (no held-out split).
        let (other, _) = try makeRun(configuration, directory: directory, evalSteps: 0)
        #expect(throws: GRPORunError.self) { try other.resumeIfPossible() }
    }

    @Test func evalSettingsParseAndValidate() throws {
        let recipe = try GRPORecipe.load(recipe: nil, overrides: [
            "run.eval_steps=10", "run.eval_size=30", "run.eval_samples=8", "run.eval_temperature=0.7", "run.eval_top_p=0.9",
            "run.eval_greedy=false", "run.eval_max_new_tokens=48", "run.eval_holdout=0.3", "run.eval_seed=5"])
        let s = recipe.settings
        #expect(s.evalSteps == 10 && s.evalSize == 30 && s.evalSamples == 8 && s.evalTemperature == 0.7 && s.evalTopP == 0.9)
        #expect(!s.evalGreedy && s.evalMaxNewTokens == 48 && s.evalHoldout == 0.3 && s.evalSeed == 5)
        #expect(s.effectiveHoldout == 0.3)
        #expect(GRPORunSettings().effectiveHoldout == 0, "no evaluation: no held-out split, the old training stream")
        for bad in ["run.eval_steps=-1", "run.eval_size=0", "run.eval_samples=0", "run.eval_temperature=0", "run.eval_top_p=1.5",
                    "run.eval_holdout=1", "run.eval_greedy=maybe", "run.eval_max_new_tokens=0"] {
            #expect(throws: GRPORunError.self, "\(bad)") { _ = try GRPORecipe.load(recipe: nil, overrides: [bad]) }
        }
    }

    @Test func setupSplitsGeneratedTasksOnlyWhenEvaluating() throws {
        var settings = GRPORunSettings()
        settings.taskDigits = 1
        settings.taskOperations = "*"
        #expect(!(try GRPORunSetup.task(settings, registry: GRPORunSetup.registry()) is HeldOutTask))
        settings.evalSteps = 10
        settings.evalHoldout = 0.3
        let task = try #require(try GRPORunSetup.task(settings, registry: GRPORunSetup.registry()) as? HeldOutTask)
        #expect(task.fraction == 0.3 && task.name == "arithmetic")
        settings.task = "gsm8k"
        settings.taskPath = "/nonexistent/train.jsonl"
        #expect(throws: GRPORunError.self, "a dataset task needs eval_task_path") { _ = try GRPORunSetup.task(settings, registry: GRPORunSetup.registry()) }
    }
}
