// GRPORun with LoRA: checkpoints hold the adapter, and a resumed run equals an uninterrupted one bit for bit.
import Foundation
import Testing
import Rewards
import Training
@testable import Trainers

@Suite struct GRPORunLoRATests {
    func makeRun(_ configuration: GRPOConfiguration, directory: URL) throws -> GRPORun {
        let run = try GRPORun(trainer: try TinyGRPO.trainer(configuration), prompts: try TinyGRPO.prompts(LetterTask()),
                              directory: directory, settings: GRPORunSettings(), tensorBoard: false)
        run.output = { _ in }
        return run
    }

    func loraConfiguration() -> GRPOConfiguration {
        var configuration = TinyGRPO.configuration(steps: 6, beta: 0.04)
        configuration.saveSteps = 3
        configuration.usePeft = true
        configuration.loraR = 4
        configuration.loraAlpha = 8
        configuration.loraDropout = 0.1
        configuration.loraTargetModules = ["all-linear"]
        configuration.learningRate = 5e-3
        return configuration
    }

    @Test func checkpointsHoldTheAdapterAndResumeIsExact() throws {
        let configuration = loraConfiguration()
        let a = TinyGRPO.temporaryDirectory("lora-a"), b = TinyGRPO.temporaryDirectory("lora-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let straight = try makeRun(configuration, directory: a)
        let baseBefore = TinyGRPO.weights(straight.trainer.policy)
        let straightRewards = try straight.train().map(\.rewardMean)
        #expect(TinyGRPO.weights(straight.trainer.policy) == baseBefore, "LoRA leaves the base weights untouched")

        let saved = try CheckpointStore.read(from: a.appendingPathComponent("checkpoints/step-00000006"))
        #expect(!saved.weights.isEmpty)
        #expect(saved.weights.allSatisfy { $0.name.contains("lora_A") || $0.name.contains("lora_B") }, "\(saved.weights.map(\.name).prefix(3))")

        let first = try makeRun(configuration, directory: b)
        var rewards = Array(try first.train(steps: 4).map(\.rewardMean).prefix(3))   // killed after step 4, resumes at 3
        let resumed = try makeRun(configuration, directory: b)
        #expect(try resumed.resumeIfPossible() == 3)
        rewards += try resumed.train().map(\.rewardMean)
        #expect(rewards == straightRewards)
        let straightAdapter = straight.trainer.trainedTensors, resumedAdapter = resumed.trainer.trainedTensors
        #expect(straightAdapter.map(\.name) == resumedAdapter.map(\.name))
        #expect(straightAdapter.map(\.values) == resumedAdapter.map(\.values))
        // The adapter moved away from its initialisation (B starts at zero).
        #expect(straightAdapter.contains { $0.name.contains("lora_B") && $0.values.contains { $0 != 0 } })
    }

    @Test func resumeRefusesAnAdapterOfADifferentShape() throws {
        let directory = TinyGRPO.temporaryDirectory("lora-shape")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = loraConfiguration()
        configuration.maxSteps = 3
        _ = try makeRun(configuration, directory: directory).train()
        var other = configuration
        other.loraR = 2
        other.loraAlpha = 4
        let run = try makeRun(other, directory: directory)
        #expect(throws: (any Error).self) { try run.resumeIfPossible() }
    }
}
