// GRPORun: run-directory outputs, checkpoints, exact resume, and the last checkpoint surviving a failure.
import Foundation
import Testing
import Rewards
import Training
@testable import Trainers

@Suite struct GRPORunTests {
    /// A run over the tiny fixture in `directory`, from the starting model of `modelSeed`.
    func makeRun(_ configuration: GRPOConfiguration, directory: URL, task: LetterTask = LetterTask()) throws -> GRPORun {
        let run = try GRPORun(trainer: try TinyGRPO.trainer(configuration), prompts: try TinyGRPO.prompts(task),
                              directory: directory, settings: GRPORunSettings(), tensorBoard: true)
        run.output = { _ in }
        return run
    }

    @Test func writesConfigurationMetricsSamplesAndCheckpoints() throws {
        let directory = TinyGRPO.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = TinyGRPO.configuration(steps: 4)
        configuration.saveSteps = 3
        let run = try makeRun(configuration, directory: directory)
        var lines: [String] = []
        run.output = { lines.append($0) }
        let reports = try run.train()
        #expect(reports.map(\.step) == [1, 2, 3, 4])
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        for name in ["config.yaml", "config.json", "metrics.jsonl", "samples.jsonl", "tensorboard", "checkpoints"] {
            #expect(files.contains(name), "\(name) missing from \(files)")
        }
        let metrics = try String(contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(metrics.count == 4)
        for key in ["reward", "reward_std", "frac_reward_zero_std", "rewards/lowercase_start/mean", "completions/mean_length",
                    "kl", "loss", "grad_norm", "learning_rate", "cost/flops", "cost/gpu_hours", "cost/dollars", "step_time"] {
            #expect(metrics[0][key] != nil, "metric \(key) missing")
        }
        #expect((metrics[3]["cost/flops"] as! Double) > (metrics[0]["cost/flops"] as! Double))
        let samples = try String(contentsOf: directory.appendingPathComponent("samples.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(Set(samples.map { $0["step"] as! Int }) == [1, 2, 4], "log_completions_steps = 2 logs steps 1, 2, 4")
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("checkpoints").path).sorted()
        #expect(checkpoints == ["step-00000003", "step-00000004"])
        #expect(lines.filter { $0.hasPrefix("step ") }.count == 4)
        #expect(lines.first?.contains("reward") == true && lines.first?.contains("ETA") == true)
        let saved = try CheckpointStore.read(from: directory.appendingPathComponent("checkpoints/step-00000004"))
        #expect(saved.trainerState.generationStep == 4)
        #expect(saved.trainerState.dataPosition == 16)
        #expect(saved.optimizer?.step == 4)
        #expect(!saved.weights.contains { $0.name.hasPrefix("reference.") }, "β = 0: no reference weights")
    }

    /// Runs `total` steps uninterrupted and as `split` steps + resume in a new run object (as a new process
    /// would), and returns both final weight vectors and the per-step rewards.
    func interruptedAndUninterrupted(_ configuration: GRPOConfiguration, split: Int) throws -> ([Float], [Float], [Double], [Double]) {
        let a = TinyGRPO.temporaryDirectory("resume-a"), b = TinyGRPO.temporaryDirectory("resume-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let straight = try makeRun(configuration, directory: a)
        let straightRewards = try straight.train().map(\.rewardMean)
        let first = try makeRun(configuration, directory: b)
        // The first object trains one step past the checkpoint (logging it) and is dropped, as a killed process
        // would be: nothing after the checkpoint may leak into the resumed run, and its log line is dropped.
        var rewards = Array(try first.train(steps: split + 1).map(\.rewardMean).prefix(split))
        let resumed = try makeRun(configuration, directory: b)
        #expect(try resumed.resumeIfPossible() == split)
        rewards += try resumed.train().map(\.rewardMean)
        let logged = try String(contentsOf: b.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["step"] as! Int }
        #expect(logged == Array(1...configuration.maxSteps), "metrics.jsonl after resume: \(logged)")
        return (TinyGRPO.weights(straight.trainer.policy), TinyGRPO.weights(resumed.trainer.policy), straightRewards, rewards)
    }

    @Test func resumeReproducesAnUninterruptedRunBitForBit() throws {
        var configuration = TinyGRPO.configuration(steps: 6)
        configuration.saveSteps = 3
        let (straight, resumed, r1, r2) = try interruptedAndUninterrupted(configuration, split: 3)
        #expect(r1 == r2)
        #expect(straight == resumed)
    }

    @Test func resumeWithKLAndReferenceResetIsExact() throws {
        var configuration = TinyGRPO.configuration(steps: 6, beta: 0.04)
        configuration.saveSteps = 3
        configuration.referenceResetSteps = 2   // the reference at step 3 is the policy of step 2: it must be saved
        configuration.numIterations = 2
        configuration.lrSchedulerType = .linear
        configuration.warmupRatio = 0.2
        let (straight, resumed, r1, r2) = try interruptedAndUninterrupted(configuration, split: 3)
        #expect(r1 == r2)
        #expect(straight == resumed)
    }

    @Test func checkpointKeepsTheReferenceOnlyAfterAReset() throws {
        let directory = TinyGRPO.temporaryDirectory("reference")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = TinyGRPO.configuration(steps: 3, beta: 0.04)
        configuration.referenceResetSteps = 2
        let run = try makeRun(configuration, directory: directory)
        try run.train(steps: 1)
        #expect(!run.checkpoint().weights.contains { $0.name.hasPrefix("reference.") }, "the reference is still the starting model")
        try run.train(steps: 1)
        let checkpoint = run.checkpoint()
        #expect(checkpoint.weights.contains { $0.name.hasPrefix("reference.") })
        #expect(checkpoint.trainerState.referenceStep == 2)
    }

    @Test func nonFiniteLossLeavesTheLastCheckpointIntact() throws {
        let directory = TinyGRPO.temporaryDirectory("nonfinite")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = TinyGRPO.configuration(steps: 3)
        configuration.saveSteps = 1
        try makeRun(configuration, directory: directory).train(steps: 1)
        let checkpoint = directory.appendingPathComponent("checkpoints/step-00000001")
        let saved = try CheckpointStore.read(from: checkpoint)
        // The same run resumed with rewards that overflow the group statistics: the loss is NaN at step 2.
        let failing = try makeRun(configuration, directory: directory, task: LetterTask(overflow: true))
        #expect(try failing.resumeIfPossible() == 1)
        #expect(throws: GRPOTrainerError.self) { try failing.train() }
        #expect(CheckpointStore.latest(in: directory.appendingPathComponent("checkpoints"))?.lastPathComponent == "step-00000001")
        let after = try CheckpointStore.read(from: checkpoint)
        #expect(after.weights == saved.weights)
        #expect(after.trainerState == saved.trainerState)
    }

    @Test func resumeRejectsAChangedConfiguration() throws {
        let directory = TinyGRPO.temporaryDirectory("mismatch")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = TinyGRPO.configuration(steps: 2)
        configuration.saveSteps = 1
        try makeRun(configuration, directory: directory).train(steps: 1)
        configuration.learningRate *= 2
        let run = try makeRun(configuration, directory: directory)
        #expect(throws: GRPORunError.self) { try run.resumeIfPossible() }
        configuration.learningRate /= 2
        configuration.maxSteps = 5   // a longer budget is allowed
        #expect(try makeRun(configuration, directory: directory).resumeIfPossible() == 1)
    }
}
