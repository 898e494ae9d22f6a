// Packing: best-fit decreasing rows (checked against a hand-worked example), every example exactly once,
// rows within max_length, and no attention across example boundaries (each packed example scores exactly
// as it does alone).
import Foundation
import Models
import Testing
@testable import Trainers

@Suite struct SFTPackingTests {
    @Test func bestFitDecreasingByHand() {
        // Capacity 10, lengths [3, 7, 5, 2, 5, 4, 6]. Longest first: 7→row0 (room 3), 6→row1 (4), 5→row2 (5),
        // 5 (index 4)→row2 exactly (0), 4→row1 exactly (0), 3→row0 exactly (0), 2→new row3.
        let rows = SFTPacking.bestFitDecreasing(lengths: [3, 7, 5, 2, 5, 4, 6], capacity: 10)
        #expect(rows == [[1, 0], [6, 5], [2, 4], [3]])
    }

    @Test(arguments: [1, 2, 3])
    func everyExampleOnceWithinCapacity(seed: UInt64) {
        var generator = SFTShuffleGenerator(seed: seed, epoch: 0)
        let lengths = (0..<57).map { _ in Int(generator.next() % 40) + 1 }
        let rows = SFTPacking.bestFitDecreasing(lengths: lengths, capacity: 48)
        #expect(rows.flatMap { $0 }.sorted() == Array(0..<57))
        #expect(rows.allSatisfy { $0.reduce(0) { $0 + lengths[$1] } <= 48 })
        // Best fit never leaves two rows that could merge... at least: no row could take the next row's smallest
        // example that was placed after it was opened — weaker check: total rows ≤ unpacked count and ≥ the bound.
        #expect(rows.count >= (lengths.reduce(0, +) + 47) / 48 && rows.count < 57)
    }

    @Test func packedStepsSeeEachExampleAsItsOwnSequence() throws {
        let c = SFTTestSupport.configuration { $0.packing = true; $0.perDeviceTrainBatchSize = 1 }
        let examples = try SFTTestSupport.examples(configuration: c)
        let data = SFTDataset(examples: examples, configuration: c)
        #expect(data.rows.count < examples.count)
        // One packed row per micro-batch: its sequences are exactly the row's examples, unconcatenated.
        for step in 0..<data.stepsPerEpoch {
            let batches = data.microBatches(step: step)
            let row = data.rows[data.order(epoch: 0)[step]]
            #expect(batches == [row.map { examples[$0] }])
            #expect(row.reduce(0) { $0 + examples[$1].tokens.count } <= c.maxLength)
        }
    }

    @Test func noAttentionAcrossExampleBoundaries() throws {
        let c = SFTTestSupport.configuration { $0.packing = true; $0.perDeviceTrainBatchSize = 2 }
        let examples = try SFTTestSupport.examples(configuration: c)
        let model = try SFTTestSupport.model()
        let trainer = try SFTTrainer(model: model, configuration: c, totalSteps: 1)
        let data = SFTDataset(examples: examples, configuration: c)
        let packed = data.microBatches(step: 0)[0]
        #expect(packed.count > 2)
        // The held-out loss of the packed micro-batch equals the target-weighted mean of each example alone.
        var total = 0.0, targets = 0
        for example in packed {
            total += trainer.evaluate([example]) * Double(example.targetCount)
            targets += example.targetCount
        }
        #expect(abs(trainer.evaluate(packed) - total / Double(targets)) < 1e-5)
        // The check is sensitive: one concatenated row (attention across boundaries, positions running on)
        // scores differently.
        let concatenated = SFTExample(tokens: packed.flatMap(\.tokens),
                                      lossMask: packed.flatMap { [false] + $0.lossMask.dropFirst() })
        #expect(concatenated.targetCount == targets)
        #expect(abs(trainer.evaluate([concatenated]) - total / Double(targets)) > 1e-3)
    }
}
