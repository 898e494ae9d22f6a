import Testing
@testable import TensorEngine

@Suite struct RoPETests {
    let n = 4, heads = 3, d = 8
    let positions: [Int32] = [0, 5, 2, 17]

    @Test func naiveBackwardMatchesCentralDifferences() {
        let x = randomDoubles(n * heads * d, seed: 31), g = randomDoubles(n * heads * d, seed: 32)
        var dx = [Double](repeating: 0, count: x.count)
        ropeBackwardNaive(&dx, g, positions, theta: 10000, rows: n, heads: heads, headDim: d)
        let error = centralDifferenceError(inputs: x, analytic: dx, upstream: g) { x in
            var out = [Double](repeating: 0, count: x.count)
            ropeForwardNaive(&out, x, positions, theta: 10000, rows: n, heads: heads, headDim: d)
            return out
        }
        #expect(error < 1e-5)
    }

    @Test func tableMatchesNaiveAndWorksInPlace() {
        let table = RoPETable(headDim: d, theta: 500, maxPositions: 32)
        let x = randomDoubles(n * heads * d, seed: 33).floats, g = randomDoubles(n * heads * d, seed: 34).floats
        var y = x, ref = x
        y.withUnsafeMutableBufferPointer { ropeForward($0.baseAddress!, $0.baseAddress!, positions, table, rows: n, heads: heads) }
        ropeForwardNaive(&ref, x, positions, theta: Float(500), rows: n, heads: heads, headDim: d)
        #expect(closeness(y, ref, rtol: 1e-5, atol: 1e-5) <= 1)
        var dx = [Float](repeating: 0, count: x.count), rdx = dx
        ropeBackward(&dx, g, positions, table, rows: n, heads: heads)
        ropeBackwardNaive(&rdx, g, positions, theta: Float(500), rows: n, heads: heads, headDim: d)
        #expect(closeness(dx, rdx, rtol: 1e-5, atol: 1e-5) <= 1)
    }

    @Test func rotateHalfConventionByHand() {
        // D = 2: the pair (x0, x1) rotates by angle = position (θ^0 = 1).
        let table = RoPETable(headDim: 2, theta: 10000, maxPositions: 4)
        var out: [Float] = [0, 0]
        ropeForward(&out, [1, 0], [1], table, rows: 1, heads: 1)
        #expect(abs(out[0] - 0.540_302_3) < 1e-6 && abs(out[1] - 0.841_471) < 1e-6)
    }
}
