// RunDirectoryTests.swift — run layout, JSON Lines logs, resolved configuration, and the progress line.

import Foundation
import Testing
@testable import Training

@Suite struct RunDirectoryTests {
    @Test func writesConfigurationMetricsAndSamples() throws {
        let scratch = try ScratchDirectory("run")
        defer { scratch.cleanup() }
        let run = try RunDirectory(url: scratch.url.appendingPathComponent("run-1"))
        var configuration = GRPOConfiguration()
        try configuration.apply(overrides: ["beta=0.001", "reference_reset_steps=400"])
        try run.writeConfiguration(configuration)
        try run.log(metrics: ["reward": 0.25, "kl": 0.5, "clip_ratio/low_mean": .nan], step: 3, wallTime: 10)
        try run.log(metrics: ["reward": 0.75], step: 4, wallTime: 11)
        try run.log(samples: [SampleRecord(step: 4, prompt: "1+1?", completion: "<think>2</think>2", rewards: ["accuracy": 1, "format": nil],
                                           reward: 1, advantage: 0.5, completionTokens: 7, truncated: false)])
        try run.flush()

        let lines = try String(contentsOf: run.metricsURL, encoding: .utf8).split(separator: "\n")
        #expect(lines == [#"{"clip_ratio/low_mean":"NaN","kl":0.5,"reward":0.25,"step":3,"wall_time":10}"#,
                          #"{"reward":0.75,"step":4,"wall_time":11}"#])
        let sample = try String(contentsOf: run.samplesURL, encoding: .utf8)
        #expect(sample == #"{"advantage":0.5,"completion":"<think>2</think>2","completion_tokens":7,"prompt":"1+1?","#
            + #""reward":1,"rewards":{"accuracy":1,"format":null},"step":4,"truncated":false}"# + "\n")

        // The resolved configuration reads back identically from both files.
        var fromYAML = GRPOConfiguration()
        try fromYAML.apply(recipeText: String(contentsOf: run.url.appendingPathComponent("config.yaml"), encoding: .utf8),
                           format: .yaml, source: "config.yaml")
        #expect(fromYAML == configuration)
        let fromJSON = try JSONDecoder().decode(GRPOConfiguration.self,
                                                from: Data(contentsOf: run.url.appendingPathComponent("config.json")))
        #expect(fromJSON == configuration)

        let events = try FileManager.default.contentsOfDirectory(atPath: run.tensorBoardDirectory.path)
        #expect(events.count == 1 && events[0].hasPrefix("events.out.tfevents.10."))
        #expect(run.checkpointURL(step: 100).lastPathComponent == "step-00000100")
    }

    @Test func progressLine() {
        let line = ProgressLine.format(ProgressSnapshot(
            step: 120, totalSteps: 1000, reward: 0.625, accuracy: 0.55, kl: 0.00123, completionLength: 183.4,
            tokensPerSecond: 412.2, learningRate: 1e-6, secondsPerStep: 4.25))
        // ETA: 880 steps × 4.25 s = 3740 s = 1h02m20s → "1h02m".
        #expect(line == "step 120/1000 | reward 0.625 | acc 55.0% | kl 0.0012 | len 183 | 412 tok/s | lr 1.00e-06 | ETA 1h02m")
        #expect(ProgressLine.format(ProgressSnapshot(step: 1, totalSteps: 2)) == "step 1/2")
        #expect(ProgressLine.duration(75) == "1m15s")
        #expect(ProgressLine.duration(9.4) == "9s")
        #expect(ProgressLine.duration(.infinity) == "?")
    }

    @Test func evaluationMetricsGetTheirOwnTensorBoardSection() {
        #expect(RunDirectory.tensorBoardTag("reward") == "train/reward")
        #expect(RunDirectory.tensorBoardTag("rewards/accuracy/mean") == "train/rewards/accuracy/mean")
        #expect(RunDirectory.tensorBoardTag("eval/pass@1") == "eval/pass@1")
        #expect(RunDirectory.tensorBoardTag("eval_loss") == "eval_loss")
        #expect(RunDirectory.tensorBoardTag("evaluation") == "train/evaluation")
    }
}
