// SFTDataset: tokenized examples grouped into training rows (one example per row, or packed rows), and
// the schedule that maps an optimizer step to its micro-batches. The mapping is a pure function of the
// step, the seed and the rows — each epoch visits the rows in a permutation drawn from (seed, epoch), as HF
// Trainer's seeded RandomSampler — so a resumed run needs nothing but the step to continue exactly.
import Foundation
import Training

/// Training rows and their per-step micro-batches.
///
/// ```swift
/// let data = SFTDataset(examples: examples, configuration: configuration)
/// let batches = data.microBatches(step: 0)   // the first optimizer step's [[SFTExample]]
/// ```
public struct SFTDataset: Sendable {
    /// Tokenized examples.
    public let examples: [SFTExample]
    /// Rows as lists of example indices (one each without packing).
    public let rows: [[Int]]
    /// Rows per micro-batch.
    public let batchSize: Int
    /// Micro-batches per optimizer step.
    public let accumulation: Int
    /// Seed of the per-epoch permutation.
    public let seed: UInt64

    /// Builds the rows of a dataset.
    /// - Parameters:
    ///   - examples: tokenized examples (each at most `max_length` tokens).
    ///   - configuration: `packing`, `max_length`, batch size, accumulation and seed.
    public init(examples: [SFTExample], configuration: SFTConfiguration) {
        self.examples = examples
        rows = configuration.packing
            ? SFTPacking.bestFitDecreasing(lengths: examples.map(\.tokens.count), capacity: configuration.maxLength)
            : examples.indices.map { [$0] }
        batchSize = configuration.perDeviceTrainBatchSize
        accumulation = configuration.gradientAccumulationSteps
        seed = UInt64(bitPattern: Int64(configuration.seed))
    }

    /// Micro-batches in one epoch: ⌈rows / batchSize⌉.
    public var microBatchesPerEpoch: Int { (rows.count + batchSize - 1) / batchSize }

    /// Optimizer steps in one epoch: ⌈micro-batches / accumulation⌉.
    public var stepsPerEpoch: Int { max(1, (microBatchesPerEpoch + accumulation - 1) / accumulation) }

    /// Target tokens over all examples.
    public var targetTokens: Int { examples.reduce(0) { $0 + $1.targetCount } }

    /// The row order of an epoch: a Fisher–Yates permutation drawn from (seed, epoch).
    /// - Parameter epoch: 0-based epoch.
    /// - Returns: a permutation of `rows.indices`.
    public func order(epoch: Int) -> [Int] {
        var generator = SFTShuffleGenerator(seed: seed, epoch: UInt64(epoch))
        var order = Array(rows.indices)
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                let j = Int(generator.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        return order
    }

    /// The epoch and 0-based position within it of an optimizer step.
    /// - Parameter step: 0-based index of the optimizer step.
    public func position(step: Int) -> (epoch: Int, stepInEpoch: Int) {
        (step / stepsPerEpoch, step % stepsPerEpoch)
    }

    /// The micro-batches of an optimizer step; a packed row contributes each of its examples as its own
    /// sequence (see SFTPacking). The last step of an epoch may hold fewer micro-batches.
    /// - Parameter step: 0-based index of the optimizer step.
    /// - Returns: micro-batches of sequences.
    public func microBatches(step: Int) -> [[SFTExample]] {
        let (epoch, k) = position(step: step)
        let order = self.order(epoch: epoch)
        let first = k * accumulation, last = min(microBatchesPerEpoch, first + accumulation)
        return (first..<last).map { m in
            order[(m * batchSize)..<min(order.count, (m + 1) * batchSize)].flatMap { rows[$0].map { examples[$0] } }
        }
    }

    /// CRC32C of every example's tokens and mask and of the rows: a resume must see the same data.
    public var fingerprint: UInt32 {
        var crc: UInt32 = 0
        for example in examples {
            crc = example.tokens.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
            crc = CRC32C.checksum(example.lossMask.map { $0 ? 1 : 0 }, continuing: crc)
        }
        for row in rows { crc = CRC32C.checksum(Array("\(row)".utf8), continuing: crc) }
        return crc
    }
}

/// SplitMix64 over (seed, epoch): the generator of the per-epoch permutation.
struct SFTShuffleGenerator {
    var state: UInt64

    init(seed: UInt64, epoch: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 ^ (epoch &+ 1) &* 0xD1B5_4A32_D192_ED03
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
