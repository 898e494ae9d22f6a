// Tests of the SIMD kernels against plain scalar loops (Foundation exp, Double sums).

import Foundation
import Testing
@testable import Generation

@Suite struct LogitsKernelsTests {
    /// Rows with lengths that exercise the SIMD body and the scalar tail.
    static let lengths = [1, 7, 16, 33, 1000, 49_152]

    static func row(_ count: Int, seed: UInt64) -> [Float] {
        var rng = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in Float(rng.nextUnitDouble() * 20 - 12) }
    }

    @Test(arguments: lengths)
    func maximumReturnsLowestIndexOfLargest(count: Int) {
        var x = Self.row(count, seed: UInt64(count))
        let expected = x.indices.max { x[$0] < x[$1] || (x[$0] == x[$1] && $0 > $1) }!
        var result = x.withUnsafeBufferPointer { LogitsKernels.maximum($0.baseAddress!, count: count) }
        #expect(result.value == x[expected] && result.index == expected)
        // Put a tie with the maximum later in the row: the lowest index must still win.
        if count > 1 {
            x[count - 1] = x[expected] + 1
            x[count / 2] = x[count - 1]
            let first = min(count / 2, count - 1)
            result = x.withUnsafeBufferPointer { LogitsKernels.maximum($0.baseAddress!, count: count) }
            #expect(result.index == first)
        }
    }

    @Test(arguments: lengths)
    func shiftedExpMatchesScalarExp(count: Int) {
        var x = Self.row(count, seed: 100 + UInt64(count))
        if count > 3 { x[2] = -.infinity }
        let shift = x.max()!
        let scale: Float = 1 / 0.7
        var out = [Float](repeating: -1, count: count)
        let total = x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { LogitsKernels.shiftedExp(xs.baseAddress!, count: count, shift: shift, scale: scale, into: $0.baseAddress!) }
        }
        var expectedTotal = 0.0
        var worst = 0.0
        for i in 0..<count {
            let expected = Foundation.exp(Double((x[i] - shift) * scale))  // same Float argument as the kernel
            expectedTotal += expected
            worst = max(worst, abs(Double(out[i]) - expected) / max(expected, 1e-30))
        }
        #expect(worst < 2e-6, "max relative error \(worst)")
        #expect(abs(total - expectedTotal) / expectedTotal < 1e-5)
        if count > 3 { #expect(out[2] == 0) }
        let sumOnly = x.withUnsafeBufferPointer { LogitsKernels.shiftedExpSum($0.baseAddress!, count: count, shift: shift) }
        let expectedRaw = x.reduce(0.0) { $0 + Foundation.exp(Double($1) - Double(shift)) }
        #expect(abs(sumOnly - expectedRaw) / expectedRaw < 1e-5)
    }

    @Test func vectorExpIsZeroBelowRangeAndOneAtZero() {
        let input = LogitsKernels.Vector(-.infinity, -1000, -87.4, -87.2, -20, -1, -0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let result = LogitsKernels.vectorExp(input)
        #expect(result[0] == 0 && result[1] == 0 && result[2] == 0)
        #expect(result[3] > 0)
        #expect(result[7] == 1)
        #expect(abs(Double(result[4]) - Foundation.exp(-20.0)) / Foundation.exp(-20.0) < 1e-6)
    }

    @Test(arguments: lengths)
    func gatherCollectsIndicesAtOrAboveThreshold(count: Int) {
        let x = Self.row(count, seed: 200 + UInt64(count))
        let threshold: Float = 5
        var indices = [Int32](repeating: -1, count: count)
        let n = x.withUnsafeBufferPointer { xs in
            indices.withUnsafeMutableBufferPointer { LogitsKernels.gather(xs.baseAddress!, count: count, atLeast: threshold, into: $0.baseAddress!) }
        }
        #expect(Array(indices[0..<n]) == x.indices.filter { x[$0] >= threshold }.map(Int32.init))
    }

    @Test(arguments: lengths)
    func searchCumulativeFindsFirstIndexPastTarget(count: Int) {
        let weights = Self.row(count, seed: 300 + UInt64(count)).map { Foundation.exp($0 / 4) }
        let total = weights.reduce(0.0) { $0 + Double($1) }
        for fraction in [0.0, 0.1, 0.5, 0.9, 0.999_999] {
            let target = fraction * total
            var cumulative = 0.0
            var expected = count - 1
            for i in 0..<count {
                cumulative += Double(weights[i])
                if cumulative > target { expected = i; break }
            }
            let found = weights.withUnsafeBufferPointer { LogitsKernels.searchCumulative($0.baseAddress!, count: count, target: target) }
            // Float block sums may move the answer by one index only when the target sits on a boundary.
            #expect(abs(found - expected) <= 1, "fraction \(fraction): \(found) vs \(expected)")
        }
    }

    @Test(arguments: lengths)
    func maskedSumAndRangeGatherMatchScalarLoops(count: Int) {
        let x = Self.row(count, seed: 400 + UInt64(count)).map { Foundation.exp($0 / 3) / 60 }  // weights in (0, 1]
        let floor: Float = 0.01
        let sum = x.withUnsafeBufferPointer { LogitsKernels.sum($0.baseAddress!, count: count, atLeast: floor) }
        let expected = x.reduce(0.0) { $0 + ($1 >= floor ? Double($1) : 0) }
        #expect(abs(sum - expected) <= 1e-5 * max(expected, 1e-9))
        var indices = [Int32](repeating: -1, count: count)
        let n = x.withUnsafeBufferPointer { xs in
            indices.withUnsafeMutableBufferPointer { LogitsKernels.gather(xs.baseAddress!, count: count, from: 0.005, through: 0.02, into: $0.baseAddress!) }
        }
        #expect(Array(indices[0..<n]) == x.indices.filter { x[$0] >= 0.005 && x[$0] <= 0.02 }.map(Int32.init))
        let target = 0.5 * expected
        let found = x.withUnsafeBufferPointer { LogitsKernels.searchCumulative($0.baseAddress!, count: count, target: target, atLeast: floor) }
        var cumulative = 0.0
        var reference = -1
        for i in 0..<count where x[i] >= floor {
            cumulative += Double(x[i])
            if cumulative > target { reference = i; break }
        }
        if reference >= 0 { #expect(abs(found - reference) <= 1 && x[found] >= floor) }
    }

    @Test func bucketsAreMonotoneAndEdgesSeparateThem() {
        var previous = -1
        var value: Float = 1
        while value > 1e-30 {
            let b = LogitsKernels.bucket(value)
            #expect(b >= previous && b <= 2032)
            #expect(value <= LogitsKernels.bucketUpperEdge(b) && value > LogitsKernels.bucketUpperEdge(b + 1))
            previous = b
            value *= 0.93
        }
        #expect(LogitsKernels.bucket(1) == 0)
    }

    @Test func bucketMassMatchesPerBucketSums() {
        let count = 1000
        let x = Self.row(count, seed: 500).map { Foundation.exp($0 / 2) / 400 }
        let buckets = 2048
        var mass = [Double](repeating: .nan, count: 4 * buckets)
        let floor: Float = 1e-4
        let last = x.withUnsafeBufferPointer { xs in
            mass.withUnsafeMutableBufferPointer { LogitsKernels.bucketMass(xs.baseAddress!, count: count, atLeast: floor, into: $0.baseAddress!, buckets: buckets) }
        }
        var expected = [Double](repeating: 0, count: buckets)
        for value in x where value >= floor { expected[LogitsKernels.bucket(value)] += Double(value) }
        #expect(last == LogitsKernels.bucket(floor))
        for b in 0...last { #expect(abs(mass[b] - expected[b]) <= 1e-12 + 1e-9 * expected[b], "bucket \(b)") }
    }
}
