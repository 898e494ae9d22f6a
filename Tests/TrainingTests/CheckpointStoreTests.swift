// CheckpointStoreTests.swift — round trip, integrity checks, and atomicity under simulated crashes.

import Foundation
import Testing
@testable import Training

@Suite struct CheckpointStoreTests {
    struct SimulatedCrash: Error {}

    static func checkpoint(step: Int, scale: Float = 1) -> Checkpoint {
        var optimizer = AdamWState(parameterCount: 5)
        optimizer.firstMoment = [0.1, 0.2, 0.3, 0.4, 0.5].map { $0 * scale }
        optimizer.secondMoment = [1, 2, 3, 4, 5].map { $0 * scale }
        optimizer.step = step
        var cost = CostAccount()
        cost.generationFLOPs = 1.5e12
        var configuration = GRPOConfiguration()
        configuration.seed = 1234
        return Checkpoint(
            weights: [CheckpointTensor(name: "embed", shape: [2, 2], values: [1, -2, 3, 4.5].map { $0 * scale }),
                      CheckpointTensor(name: "norm", shape: [1], values: [0.25 * scale])],
            optimizer: optimizer,
            trainerState: TrainerState(step: step, generationStep: step / 2, epoch: 1, dataPosition: 37,
                                       rngState: [1, 2, UInt64.max, 0xDEAD_BEEF], referenceStep: 400, cost: cost,
                                       extra: ["dataset": "gsm8k"]),
            configuration: configuration)
    }

    @Test func roundTrip() throws {
        let scratch = try ScratchDirectory("ckpt")
        defer { scratch.cleanup() }
        let original = Self.checkpoint(step: 10)
        let url = scratch.url.appendingPathComponent("step-00000010")
        try CheckpointStore.write(original, to: url)
        let loaded = try CheckpointStore.read(from: url)
        #expect(loaded.weights == original.weights)
        #expect(loaded.optimizer == original.optimizer)
        #expect(loaded.trainerState == original.trainerState)
        #expect(loaded.configuration == original.configuration)
        #expect(CheckpointStore.latest(in: scratch.url)?.path == url.path)
        // Re-saving the same step replaces it.
        try CheckpointStore.write(Self.checkpoint(step: 10, scale: 2), to: url)
        #expect(try CheckpointStore.read(from: url).weights[1].values == [0.5])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["step-00000010"])
    }

    @Test(arguments: ["weights.safetensors", "optimizer.safetensors", "trainer_state.json", "config.yaml",
                      "manifest.json", "rename"])
    func crashLeavesPreviousCheckpointLoadable(crashAfter: String) throws {
        let scratch = try ScratchDirectory("crash")
        defer { scratch.cleanup() }
        let previous = scratch.url.appendingPathComponent("step-00000100")
        try CheckpointStore.write(Self.checkpoint(step: 100), to: previous)
        let next = scratch.url.appendingPathComponent("step-00000200")
        #expect(throws: SimulatedCrash.self) {
            try CheckpointStore.write(Self.checkpoint(step: 200, scale: 3), to: next) { name in
                if name == crashAfter { throw SimulatedCrash() }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: next.path))
        let latest = try #require(CheckpointStore.latest(in: scratch.url))
        #expect(latest.path == previous.path)
        #expect(try CheckpointStore.read(from: latest).trainerState.step == 100)
        #expect(CheckpointStore.removeTemporaries(in: scratch.url) == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["step-00000100"])
    }

    @Test func crashWhileReplacingTheSameStepRestoresIt() throws {
        let scratch = try ScratchDirectory("replace")
        defer { scratch.cleanup() }
        let url = scratch.url.appendingPathComponent("step-00000050")
        try CheckpointStore.write(Self.checkpoint(step: 50), to: url)
        #expect(throws: SimulatedCrash.self) {
            try CheckpointStore.write(Self.checkpoint(step: 50, scale: 5), to: url) { name in
                if name == "rename" { throw SimulatedCrash() }
            }
        }
        // The old checkpoint was moved aside and the new one not yet renamed in: recovery puts the old one back.
        #expect(CheckpointStore.latest(in: scratch.url) == nil)
        #expect(CheckpointStore.removeTemporaries(in: scratch.url) == 1)
        #expect(try CheckpointStore.read(from: url).weights[1].values == [0.25])
    }

    @Test func corruptionIsDetected() throws {
        let scratch = try ScratchDirectory("corrupt")
        defer { scratch.cleanup() }
        let url = scratch.url.appendingPathComponent("step-00000001")
        try CheckpointStore.write(Self.checkpoint(step: 1), to: url)
        let weights = url.appendingPathComponent("weights.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x01  // same size, one flipped bit
        try bytes.write(to: weights)
        #expect(throws: TrainingError.corruptCheckpoint(path: url.path, reason: "weights.safetensors fails its CRC32C check")) {
            try CheckpointStore.read(from: url)
        }
        try bytes.dropLast(4).write(to: weights)
        let size = bytes.count
        #expect(throws: TrainingError.corruptCheckpoint(
            path: url.path, reason: "weights.safetensors has \(size - 4) bytes but the manifest says \(size)")) {
            try CheckpointStore.read(from: url)
        }
        // latest() skips a checkpoint whose sizes do not match the manifest.
        #expect(CheckpointStore.latest(in: scratch.url) == nil)
        try FileManager.default.removeItem(at: url.appendingPathComponent("manifest.json"))
        #expect(throws: TrainingError.corruptCheckpoint(
            path: url.path, reason: "manifest.json is missing, so the checkpoint was not completely written")) {
            try CheckpointStore.read(from: url)
        }
    }

    @Test func pruneKeepsNewest() throws {
        let scratch = try ScratchDirectory("prune")
        defer { scratch.cleanup() }
        for step in [1, 2, 3] {
            try CheckpointStore.write(Self.checkpoint(step: step), to: scratch.url.appendingPathComponent(String(format: "step-%08d", step)))
        }
        #expect(CheckpointStore.prune(scratch.url, keeping: 2) == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted() == ["step-00000002", "step-00000003"])
    }
}
