// SFTRun: a resumed run equals the uninterrupted one bit for bit (weights, optimizer, metrics); the run
// directory holds the configuration, metrics with eval_loss, checkpoints; the final folder loads back.
import Foundation
import Models
import Testing
import Training
@testable import Trainers

@Suite struct SFTRunTests {
    static func configuration() -> SFTConfiguration {
        SFTTestSupport.configuration {
            $0.maxSteps = 6
            $0.perDeviceTrainBatchSize = 2
            $0.gradientAccumulationSteps = 2
            $0.packing = true
            $0.maxLength = 120
            $0.lrSchedulerType = .cosineWithMinLR
            $0.warmupSteps = 2
            $0.weightDecay = 0.01
            $0.saveSteps = 3
            $0.saveTotalLimit = 0
            $0.evalSteps = 2
        }
    }

    static func makeRun(_ directory: URL, _ c: SFTConfiguration = configuration()) throws -> SFTRun {
        let examples = try SFTTestSupport.examples(configuration: c)
        let data = SFTDataset(examples: examples, configuration: c)
        let trainer = try SFTTrainer(model: try SFTTestSupport.model(), configuration: c, totalSteps: c.totalSteps(rows: data.rows.count))
        let run = try SFTRun(trainer: trainer, data: data, evalExamples: try SFTTestSupport.examples("tiny_eval.jsonl", configuration: c),
                             directory: directory, padToken: 0, tensorBoard: false)
        run.output = { _ in }
        return run
    }

    /// metrics.jsonl without the wall-clock fields.
    static func metrics(_ directory: URL) throws -> [[String: Double]] {
        let text = try String(contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double])
            for key in ["wall_time", "step_time", "tokens_per_second"] { object[key] = nil }
            return object
        }
    }

    @Test func resumeEqualsTheUninterruptedRunBitForBit() throws {
        // Metrics every 2 steps, checkpoints every 3: the checkpoint carries a half-full loss window.
        var c = Self.configuration()
        c.loggingSteps = 2
        c.evalSteps = 4
        let straight = SFTTestSupport.temporaryDirectory("sft-straight")
        let whole = try Self.makeRun(straight, c)
        let reports = try whole.train()

        let interrupted = SFTTestSupport.temporaryDirectory("sft-resumed")
        let first = try Self.makeRun(interrupted, c)
        try first.train(steps: 5)  // a checkpoint at step 3; steps 4 and 5 are lost with the process
        let second = try Self.makeRun(interrupted, c)
        #expect(try second.resumeIfPossible() == 3)
        try second.train()

        #expect(second.trainer.stepCount == 6)
        #expect(SFTTestSupport.weights(second.trainer.model) == SFTTestSupport.weights(whole.trainer.model))
        #expect(second.trainer.optimizer.state == whole.trainer.optimizer.state)
        #expect(second.numTokens == whole.numTokens)
        let logged = try Self.metrics(straight)
        #expect(logged.map { $0["step"] } == [2, 4, 6] && logged.map { $0["eval_loss"] != nil } == [false, true, true])
        #expect(logged[1]["loss"] == (reports[2].loss + reports[3].loss) / 2)
        #expect(try Self.metrics(interrupted) == logged)
    }

    @Test func runDirectoryHoldsConfigurationMetricsCheckpointsAndFinalModel() throws {
        let directory = SFTTestSupport.temporaryDirectory("sft-run")
        let run = try Self.makeRun(directory)
        try run.train()
        let saved = try SFTConfiguration.load(recipe: directory.appendingPathComponent("config.yaml"))
        #expect(saved == run.trainer.configuration)
        let metrics = try Self.metrics(directory)
        #expect(metrics.map { $0["step"] } == [1, 2, 3, 4, 5, 6])
        #expect(metrics.filter { $0["eval_loss"] != nil }.map { $0["step"] } == [2, 4, 6])
        for key in ["loss", "grad_norm", "learning_rate", "entropy", "epoch", "num_tokens"] { #expect(metrics[5][key] != nil, "\(key)") }
        #expect(metrics[5]["eval_loss"] == run.lastEvalLoss)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: run.directory.checkpointsDirectory.path).sorted()
        #expect(checkpoints == ["step-00000003", "step-00000006"])

        let final = directory.appendingPathComponent("final")
        try SFTModelFolder.write(run.trainer.model, to: final, tokenizerSource: nil)
        let loaded = try LlamaModel.load(huggingFaceDirectory: final)
        #expect(loaded.configuration == run.trainer.model.configuration)
        #expect(SFTTestSupport.weights(loaded) == SFTTestSupport.weights(run.trainer.model))
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: final.appendingPathComponent("config.json"))) as? [String: Any])
        #expect(config["architectures"] as? [String] == ["LlamaForCausalLM"] && config["model_type"] as? String == "llama")
    }

    @Test func resumeRefusesAnotherConfigurationOrData() throws {
        let directory = SFTTestSupport.temporaryDirectory("sft-refuse")
        try Self.makeRun(directory).train(steps: 3)
        var changed = Self.configuration()
        changed.learningRate = 5e-3
        #expect { try Self.makeRun(directory, changed).resumeIfPossible() } throws: { error in
            guard case let SFTError.incompatibleCheckpoint(_, reason) = error else { return false }
            return reason.contains("SFT configuration differs")
        }
        var cadence = Self.configuration()
        cadence.loggingSteps = 2
        cadence.saveSteps = 0
        #expect(try Self.makeRun(directory, cadence).resumeIfPossible() == 3)
    }

    @Test func loraRunResumesExactlyAndLeavesTheBaseFrozen() throws {
        var c = Self.configuration()
        c.usePEFT = true
        c.loraR = 4
        c.loraAlpha = 8
        c.loraDropout = 0.1
        c.loraTargetModules = ["q_proj", "v_proj", "down_proj"]
        c.learningRate = 3e-2
        let base = SFTTestSupport.weights(try SFTTestSupport.model())
        let straight = SFTTestSupport.temporaryDirectory("sft-lora-straight")
        let whole = try Self.makeRun(straight, c)
        let adapter = try #require(whole.trainer.model.adapter)
        #expect(whole.trainer.optimizer.parameterCount == adapter.parameters.count)
        let reports = try whole.train()
        #expect(SFTTestSupport.weights(whole.trainer.model) == base)
        #expect(reports.last!.loss < reports.first!.loss)

        let interrupted = SFTTestSupport.temporaryDirectory("sft-lora-resumed")
        try Self.makeRun(interrupted, c).train(steps: 5)
        let second = try Self.makeRun(interrupted, c)
        #expect(try second.resumeIfPossible() == 3)
        try second.train()
        let resumedAdapter = try #require(second.trainer.model.adapter)
        #expect(Array(resumedAdapter.parameters.flat) == Array(adapter.parameters.flat))
        #expect(second.trainer.optimizer.state == whole.trainer.optimizer.state)
        #expect(try Self.metrics(interrupted) == Self.metrics(straight))
    }
}
