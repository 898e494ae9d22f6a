// Sampler: picks the next token from one row of logits [V] per SamplingParameters, fast enough to be
// negligible next to a decode step at V = 49152. It fuses the LogitsTransform composition (temperature,
// top-k, top-p, min-p) into a few SIMD passes with preallocated scratch and no full sort:
// 1. max and arg-max;  2. e[i] = exp((x[i] - max) / T) and Z = Σe;
// 3. candidates = tokens above a threshold (the k-th largest logit for top-k, found with a size-k heap;
//    min-p's `minP · e_max`; and for top-p without top-k the bound (1 - p)·Z/V, below which a token can
//    never be in the nucleus because all such tokens together hold less than 1 - p of the mass);
// 4. top-p: a histogram of the candidates' weights locates the bucket where the cumulative mass reaches p,
//    and a heap orders only that bucket's tokens;
// 5. draw u ∈ [0, 1) times the kept mass and walk the kept tokens.
// Not thread-safe (it owns mutable scratch): use one Sampler per thread. Not aware of tokens' text.

import Foundation

/// Draws tokens from rows of logits with temperature, top-k, top-p and min-p, reproducibly.
///
/// The randomness comes from the caller's `Xoshiro256StarStar`, one stream per sequence, so the same
/// sampler can serve many sequences and each sequence's draws depend only on its own stream.
/// Every non-greedy call consumes exactly one 64-bit output of the stream.
///
/// ```swift
/// let sampler = try Sampler(vocabularySize: 49152, parameters: SamplingParameters(temperature: 0.7, topP: 0.95))
/// var rng = Xoshiro256StarStar(seed: 1)
/// let next = sampler.sample(logits: row, using: &rng)   // row: [Float] of length 49152
/// ```
public final class Sampler {
    /// V, the length of every logits row.
    public let vocabularySize: Int
    /// The validated parameters this sampler applies (stop conditions are ignored here).
    public let parameters: SamplingParameters
    /// The transform composition this sampler implements (see `LogitsTransform.referenceDistribution`).
    public let transforms: [LogitsTransform]

    /// e[i] = exp((x[i] - max) / T), `[V]`.
    private let weights: UnsafeMutablePointer<Float>
    /// Candidate token ids; top-p reorders them as a heap, `[V]`.
    private let candidates: UnsafeMutablePointer<Int32>
    /// Size-k min-heap of token ids for top-k; reused by top-p for its boundary bucket, `[V]`.
    private let topKHeap: UnsafeMutablePointer<Int32>
    /// Top-p histogram: probability mass per weight bucket, `[bucketCount]` (plus 3 partial copies).
    private let histogramMass: UnsafeMutablePointer<Double>
    private static let bucketCount = 2048

    /// Creates a sampler with scratch for rows of `vocabularySize` logits.
    /// - Parameters:
    ///   - vocabularySize: V, `>= 1`.
    ///   - parameters: sampling parameters; validated here.
    /// - Throws: `GenerationError.invalidParameter` if a parameter is out of range or V < 1.
    public init(vocabularySize: Int, parameters: SamplingParameters) throws(GenerationError) {
        try parameters.validate()
        guard vocabularySize >= 1, vocabularySize <= Int(Int32.max) else {
            throw .invalidParameter(field: "vocabularySize", value: "\(vocabularySize)", rule: "must be in 1...\(Int32.max)")
        }
        self.vocabularySize = vocabularySize
        self.parameters = parameters
        self.transforms = LogitsTransform.transforms(for: parameters)
        weights = .allocate(capacity: vocabularySize)
        candidates = .allocate(capacity: vocabularySize)
        topKHeap = .allocate(capacity: vocabularySize)
        histogramMass = .allocate(capacity: 4 * Self.bucketCount)
    }

    deinit {
        weights.deallocate()
        candidates.deallocate()
        topKHeap.deallocate()
        histogramMass.deallocate()
    }

    /// Samples one token from a row of logits.
    /// - Parameters:
    ///   - logits: `[V]` unnormalised log-probabilities (`-inf` marks forbidden tokens).
    ///   - rng: the sequence's random stream; advanced by one output unless decoding is greedy.
    /// - Returns: the token and its log-probabilities (see `SampledToken`).
    public func sample(logits: UnsafePointer<Float>, using rng: inout Xoshiro256StarStar) -> SampledToken {
        let v = vocabularySize
        let (maximum, argmax) = LogitsKernels.maximum(logits, count: v)
        if parameters.temperature == 0 {
            let logTotal = Foundation.log(LogitsKernels.shiftedExpSum(logits, count: v, shift: maximum))
            let lp = Float(Double(logits[argmax] - maximum) - logTotal)
            return SampledToken(
                token: Int32(argmax), logProbability: lp, samplingLogProbability: 0,
                rawLogProbability: parameters.includeRawLogProbabilities ? lp : nil)
        }
        let kept = prepare(logits: logits, maximum: maximum)
        var target = rng.nextUnitDouble() * kept.mass
        var token = -1
        if target < kept.floorMass {
            token = LogitsKernels.searchCumulative(weights, count: v, target: target, atLeast: kept.floor)
        } else if kept.listed > 0 {
            target -= kept.floorMass
            var cumulative = 0.0
            token = Int(candidates[kept.listed - 1])
            for j in 0..<kept.listed {
                let index = Int(candidates[j])
                cumulative += Double(weights[index])
                if cumulative > target {
                    token = index
                    break
                }
            }
        }
        if token < 0 {  // rounding left the target just past the floor set and nothing is listed
            token = LogitsKernels.searchCumulative(weights, count: v, target: kept.floorMass, atLeast: kept.floor)
        }
        let scaled = Double(logits[token] - maximum) * Double(kept.inverseTemperature)
        var raw: Float?
        if parameters.includeRawLogProbabilities {
            if parameters.temperature == 1 {
                raw = Float(scaled - kept.logTotal)
            } else {
                let rawTotal = LogitsKernels.shiftedExpSum(logits, count: v, shift: maximum)
                raw = Float(Double(logits[token] - maximum) - Foundation.log(rawTotal))
            }
        }
        return SampledToken(
            token: Int32(token), logProbability: Float(scaled - kept.logTotal),
            samplingLogProbability: Float(scaled - Foundation.log(kept.mass)), rawLogProbability: raw)
    }

    /// Samples one token from a row of logits held in an array.
    /// - Parameters:
    ///   - logits: `[V]` logits; `logits.count` must equal `vocabularySize`.
    ///   - rng: the sequence's random stream.
    /// - Returns: the token and its log-probabilities.
    public func sample(logits: [Float], using rng: inout Xoshiro256StarStar) -> SampledToken {
        precondition(logits.count == vocabularySize, "logits row has \(logits.count) entries, expected V = \(vocabularySize)")
        return logits.withUnsafeBufferPointer { sample(logits: $0.baseAddress!, using: &rng) }
    }

    /// The tokens kept after truncation, with their unnormalised weights in `weights`: every token whose
    /// weight is at least `floor`, plus the `listed` tokens in `candidates[0..<listed]` (all below `floor`).
    struct KeptSet {
        /// Weight bound of the implicitly kept tokens (`0`: the whole vocabulary; `+inf`: none).
        var floor: Float
        /// Sum of the weights `>= floor`.
        var floorMass: Double
        /// Number of explicitly kept tokens in `candidates`.
        var listed: Int
        /// Sum of the listed tokens' weights.
        var listedMass: Double
        /// log Σ_i exp((x_i - max) / T) over the full vocabulary.
        var logTotal: Double
        var inverseTemperature: Float
        /// Sum of all kept weights.
        var mass: Double { floorMass + listedMass }
    }

    /// Steps 2–4 of the header: fills `weights` (and `candidates`) and returns the kept set.
    func prepare(logits: UnsafePointer<Float>, maximum: Float) -> KeptSet {
        let v = vocabularySize
        let inverseTemperature = 1 / parameters.temperature
        let total = LogitsKernels.shiftedExp(logits, count: v, shift: maximum, scale: inverseTemperature, into: weights)
        var result = KeptSet(
            floor: 0, floorMass: total, listed: 0, listedMass: 0, logTotal: Foundation.log(total),
            inverseTemperature: inverseTemperature)
        let topK = parameters.topK > 0 && parameters.topK < v ? parameters.topK : 0
        let topP = Double(parameters.topP)
        let minP = parameters.minP  // the arg-max's weight is exactly 1, so min-p keeps weights >= minP
        if topK > 0 {
            // Explicit list: the top-k set (ties included), then min-p, then top-p over the list.
            let kth = kthLargest(logits, k: topK)
            var count = LogitsKernels.gather(logits, count: v, atLeast: kth, into: candidates)
            var referenceMass = 0.0
            var filtered = 0
            for j in 0..<count {
                let index = Int(candidates[j])
                let w = weights[index]
                referenceMass += Double(w)
                if w >= minP {
                    candidates[filtered] = Int32(index)
                    filtered += 1
                }
            }
            count = filtered
            if topP < 1 { count = nucleus(count: count, reachingMass: topP * referenceMass) }
            result.floor = .infinity
            result.floorMass = 0
            result.listed = count
            for j in 0..<count { result.listedMass += Double(weights[Int(candidates[j])]) }
            return result
        }
        let nucleusBound = topP < 1 ? Float((1 - topP) * total / Double(v)) : 0
        var threshold = Swift.max(nucleusBound, minP)
        if threshold <= 0 { return result }  // nothing truncated
        if topP >= 1 {  // min-p alone: a pure threshold
            result.floor = threshold
            result.floorMass = LogitsKernels.sum(weights, count: v, atLeast: threshold)
            return result
        }
        // Top-p: buckets wholly inside the nucleus are kept by threshold; only the boundary bucket is ordered.
        // A cheap first try with a higher bound: if the tokens above it already hold the target mass, the
        // nucleus (a prefix in decreasing order) ends among them, so the histogram can skip everything else.
        let target = topP * total
        for guess: Float in [1e-2, 1e-4] where guess > threshold {
            if LogitsKernels.sum(weights, count: v, atLeast: guess) >= target {
                threshold = Swift.max(guess, minP)
                break
            }
        }
        let lastBucket = LogitsKernels.bucketMass(weights, count: v, atLeast: threshold, into: histogramMass, buckets: Self.bucketCount)
        var before = 0.0
        var boundary = -1
        var lastNonEmpty = 0
        for b in 0...lastBucket where histogramMass[b] > 0 {
            if before + histogramMass[b] >= target {
                boundary = b
                break
            }
            before += histogramMass[b]
            lastNonEmpty = b
        }
        if boundary < 0 {  // rounding: the whole candidate mass fell short of the target; keep it all
            boundary = lastNonEmpty
            before -= histogramMass[lastNonEmpty]
        }
        let upper = LogitsKernels.bucketUpperEdge(boundary)
        let lower = Swift.max(threshold, LogitsKernels.bucketUpperEdge(boundary + 1).nextUp)
        let boundaryCount = LogitsKernels.gather(weights, count: v, from: lower, through: upper, into: topKHeap)
        let popped = heapSelect(topKHeap, count: boundaryCount, reachingMass: target - before)
        result.floor = upper.nextUp
        result.floorMass = before
        result.listed = popped
        for j in 0..<popped {
            let token = topKHeap[boundaryCount - 1 - j]
            candidates[j] = token
            result.listedMass += Double(weights[Int(token)])
        }
        return result
    }

    /// The kept tokens' probabilities computed by the fast path (for tests and diagnostics).
    /// - Parameter logits: `[V]` logits.
    /// - Returns: token id → probability under the sampling distribution (tokens not listed have 0).
    func samplingDistribution(logits: [Float]) -> [Int32: Double] {
        precondition(logits.count == vocabularySize)
        return logits.withUnsafeBufferPointer { buffer in
            let x = buffer.baseAddress!
            let (maximum, argmax) = LogitsKernels.maximum(x, count: vocabularySize)
            if parameters.temperature == 0 { return [Int32(argmax): 1] }
            let kept = prepare(logits: x, maximum: maximum)
            var result: [Int32: Double] = [:]
            for i in 0..<vocabularySize where weights[i] > 0 && weights[i] >= kept.floor {
                result[Int32(i)] = Double(weights[i]) / kept.mass
            }
            for j in 0..<kept.listed {
                let i = candidates[j]
                result[i] = Double(weights[Int(i)]) / kept.mass
            }
            return result
        }
    }

    // MARK: - Selection helpers

    /// The k-th largest logit (1-based), via a size-k min-heap; vectors holding nothing above the heap's
    /// minimum are skipped with one compare once the heap is full.
    private func kthLargest(_ x: UnsafePointer<Float>, k: Int) -> Float {
        let heap = topKHeap
        var size = 0
        @inline(__always) func siftDown() {
            var parent = 0
            let item = heap[0]
            let value = x[Int(item)]
            while true {
                var child = 2 * parent + 1
                if child >= size { break }
                if child + 1 < size, x[Int(heap[child + 1])] < x[Int(heap[child])] { child += 1 }
                if x[Int(heap[child])] >= value { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = item
        }
        @inline(__always) func offer(_ i: Int) {
            if size < k {
                var child = size
                size += 1
                let value = x[i]
                while child > 0 {
                    let parent = (child - 1) / 2
                    if x[Int(heap[parent])] <= value { break }
                    heap[child] = heap[parent]
                    child = parent
                }
                heap[child] = Int32(i)
            } else if x[i] > x[Int(heap[0])] {
                heap[0] = Int32(i)
                siftDown()
            }
        }
        let v = vocabularySize
        let raw = UnsafeRawPointer(x)
        let width = LogitsKernels.width
        var i = 0
        while i < v, size < k {
            offer(i)
            i += 1
        }
        while i + width <= v {
            let chunk = raw.loadUnaligned(fromByteOffset: i * 4, as: LogitsKernels.Vector.self)
            if any(chunk .> LogitsKernels.Vector(repeating: x[Int(heap[0])])) {
                for lane in 0..<width { offer(i + lane) }
            }
            i += width
        }
        while i < v {
            offer(i)
            i += 1
        }
        return x[Int(heap[0])]
    }

    /// Top-p over `candidates[0..<count]`: keeps the most likely tokens, in order (weight descending, id
    /// ascending), while the mass before each is below `target`. Large candidate sets are first split by a
    /// 2048-bucket histogram of the weights (16 buckets per octave, read off the float's bits): buckets
    /// wholly before the boundary bucket are kept, buckets after it dropped, and only the boundary bucket
    /// is ordered exactly, with a heap. Small sets go straight to the heap.
    /// - Returns: the number of kept tokens, now in `candidates[0 ..< kept]`.
    private func nucleus(count: Int, reachingMass target: Double) -> Int {
        if count <= 64 {
            let kept = heapSelect(candidates, count: count, reachingMass: target)
            // Move the popped tokens (at the back, least likely first) to the front.
            for j in 0..<kept { topKHeap[j] = candidates[count - 1 - j] }
            candidates.update(from: topKHeap, count: kept)
            return kept
        }
        let w = weights
        histogramMass.update(repeating: 0, count: Self.bucketCount)
        @inline(__always) func bucket(_ value: Float) -> Int { LogitsKernels.bucket(value) }
        for j in 0..<count {
            let value = w[Int(candidates[j])]
            histogramMass[bucket(value)] += Double(value)
        }
        var before = 0.0
        var boundary = Self.bucketCount - 1
        for b in 0..<Self.bucketCount {
            if before + histogramMass[b] >= target {
                boundary = b
                break
            }
            before += histogramMass[b]
        }
        var kept = 0
        var boundaryCount = 0
        for j in 0..<count {
            let token = candidates[j]
            let b = bucket(w[Int(token)])
            if b < boundary {
                candidates[kept] = token
                kept += 1
            } else if b == boundary {
                topKHeap[boundaryCount] = token
                boundaryCount += 1
            }
        }
        let popped = heapSelect(topKHeap, count: boundaryCount, reachingMass: target - before)
        for j in 0..<popped { candidates[kept + j] = topKHeap[boundaryCount - 1 - j] }
        return kept + popped
    }

    /// Orders `items[0..<count]` as a max-heap on (weight descending, id ascending) and pops the most likely
    /// tokens to the back until the popped mass reaches `target` (at least one if `count > 0` and `target > 0`).
    /// - Returns: the number popped; they sit in `items[count - popped ..< count]`, most likely last.
    private func heapSelect(_ items: UnsafeMutablePointer<Int32>, count: Int, reachingMass target: Double) -> Int {
        let heap = items
        let w = weights
        @inline(__always) func above(_ a: Int32, _ b: Int32) -> Bool {
            let wa = w[Int(a)], wb = w[Int(b)]
            return wa > wb || (wa == wb && a < b)
        }
        func siftDown(_ start: Int, _ size: Int) {
            var parent = start
            let item = heap[parent]
            while true {
                var child = 2 * parent + 1
                if child >= size { break }
                if child + 1 < size, above(heap[child + 1], heap[child]) { child += 1 }
                if !above(heap[child], item) { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = item
        }
        if count > 1 {
            for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(start, count) }
        }
        var size = count
        var mass = 0.0
        while size > 0, mass < target {
            let top = heap[0]
            mass += Double(w[Int(top)])
            size -= 1
            heap[0] = heap[size]
            heap[size] = top
            if size > 1 { siftDown(0, size) }
        }
        return count - size
    }
}
