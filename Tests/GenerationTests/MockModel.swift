// MockModel: a DecodingModel test double whose logits are a pure function of a slot's full token history,
// with a cache that records tokens per slot and counts every call. Not a test.

import Foundation
@testable import Generation

/// The mock's per-slot state: the tokens fed so far (prompt + generated) and the prompt length.
final class MockCache {
    var histories: [[Int32]]
    var promptLengths: [Int]
    let capacity: Int

    init(slots: Int, capacity: Int) {
        histories = Array(repeating: [], count: slots)
        promptLengths = Array(repeating: 0, count: slots)
        self.capacity = capacity
    }
}

/// A model whose next-token logits are `logitsFunction(history, promptLength)`; since it reads the whole
/// history from the cache, a wrong slot copy, reset or slot mix-up changes its output.
final class MockModel: DecodingModel {
    let vocabularySize: Int
    let maximumSequenceLength: Int?
    let logitsFunction: ([Int32], Int) -> [Float]
    private(set) var prefills: [[Int32]] = []
    private(set) var copies = 0
    private(set) var decodeBatchSizes: [Int] = []

    init(vocabularySize: Int, maximumSequenceLength: Int? = nil, logits: @escaping ([Int32], Int) -> [Float]) {
        self.vocabularySize = vocabularySize
        self.maximumSequenceLength = maximumSequenceLength
        logitsFunction = logits
    }

    func makeCache(slots: Int, capacity: Int) -> MockCache { MockCache(slots: slots, capacity: capacity) }

    func resetSlot(_ cache: MockCache, slot: Int) {
        cache.histories[slot] = []
        cache.promptLengths[slot] = 0
    }

    func prefill(tokens: [Int32], slot: Int, cache: MockCache) -> [Float] {
        precondition(cache.histories[slot].isEmpty, "prefill into a slot that was not reset")
        prefills.append(tokens)
        cache.histories[slot] = tokens
        cache.promptLengths[slot] = tokens.count
        return logitsFunction(tokens, tokens.count)
    }

    func decodeStep(tokens: [Int32], slots: [Int], cache: MockCache, logits: UnsafeMutablePointer<Float>) {
        precondition(Set(slots).count == slots.count, "slots must be distinct")
        decodeBatchSizes.append(tokens.count)
        for (row, (token, slot)) in zip(tokens, slots).enumerated() {
            cache.histories[slot].append(token)
            precondition(cache.histories[slot].count <= cache.capacity, "slot \(slot) over capacity")
            let values = logitsFunction(cache.histories[slot], cache.promptLengths[slot])
            precondition(values.count == vocabularySize)
            (logits + row * vocabularySize).update(from: values, count: vocabularySize)
        }
    }

    func copySlot(_ cache: MockCache, from: Int, to: Int) {
        copies += 1
        cache.histories[to] = cache.histories[from]
        cache.promptLengths[to] = cache.promptLengths[from]
    }

    /// Pseudo-random logits in [-3, 3) seeded by an FNV-1a hash of the whole history; token 0 (the
    /// end-of-sequence id in these tests) gets `eosBias` added so that completions end at varied lengths.
    static func hashed(vocabularySize: Int, eosBias: Float = 0) -> MockModel {
        MockModel(vocabularySize: vocabularySize) { history, _ in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for token in history {
                hash = (hash ^ UInt64(UInt32(bitPattern: token))) &* 0x100_0000_01b3
            }
            var rng = Xoshiro256StarStar(seed: hash)
            var row = (0..<vocabularySize).map { _ in Float(rng.nextUnitDouble() * 6 - 3) }
            row[0] += eosBias
            return row
        }
    }

    /// A model that puts logit 10 on `script[n]` (0 elsewhere) after n generated tokens, and on token 0
    /// once the script is exhausted.
    static func scripted(vocabularySize: Int, script: [Int32]) -> MockModel {
        MockModel(vocabularySize: vocabularySize) { history, promptLength in
            let generated = history.count - promptLength
            var row = [Float](repeating: 0, count: vocabularySize)
            row[Int(generated < script.count ? script[generated] : 0)] = 10
            return row
        }
    }
}

/// log_softmax(row)[i] in Double.
func referenceLogSoftmax(_ row: [Float], _ i: Int, temperature: Double = 1) -> Double {
    let scaled = row.map { Double($0) / temperature }
    let m = scaled.max()!
    return scaled[i] - m - Foundation.log(scaled.reduce(0) { $0 + Foundation.exp($1 - m) })
}
