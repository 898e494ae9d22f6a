import Testing
@testable import TensorEngine

@Suite struct RMSNormTests {
    let n = 3, c = 37

    @Test func naiveBackwardMatchesCentralDifferences() {
        let x = randomDoubles(n * c, seed: 21), w = randomDoubles(c, seed: 22), g = randomDoubles(n * c, seed: 23)
        func forward(_ x: [Double], _ w: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: n * c)
            rmsnormForwardNaive(&out, nil, x, w, rows: n, channels: c, epsilon: 1e-5)
            return out
        }
        var out = [Double](repeating: 0, count: n * c), rstd = [Double](repeating: 0, count: n)
        rmsnormForwardNaive(&out, &rstd, x, w, rows: n, channels: c, epsilon: 1e-5)
        var dx = [Double](repeating: 0, count: n * c), dw = [Double](repeating: 0, count: c)
        rmsnormBackwardNaive(&dx, &dw, g, x, w, rstd, rows: n, channels: c)
        #expect(centralDifferenceError(inputs: x, analytic: dx, upstream: g) { forward($0, w) } < 1e-5)
        #expect(centralDifferenceError(inputs: w, analytic: dw, upstream: g) { forward(x, $0) } < 1e-5)
    }

    @Test func simdMatchesNaive() {
        let x = randomDoubles(n * c, seed: 24).floats, w = randomDoubles(c, seed: 25).floats
        let g = randomDoubles(n * c, seed: 26).floats
        var out = [Float](repeating: 0, count: n * c), ref = out
        var rstd = [Float](repeating: 0, count: n), refRstd = rstd
        rmsnormForward(&out, &rstd, x, w, rows: n, channels: c, epsilon: 1e-5)
        rmsnormForwardNaive(&ref, &refRstd, x, w, rows: n, channels: c, epsilon: Float(1e-5))
        #expect(closeness(out, ref, rtol: 1e-5, atol: 1e-6) <= 1)
        var dx = [Float](repeating: 0.1, count: n * c), dw = [Float](repeating: 0.2, count: c)
        var rdx = dx, rdw = dw
        rmsnormBackward(&dx, &dw, g, x, w, rstd, rows: n, channels: c)
        rmsnormBackwardNaive(&rdx, &rdw, g, x, w, refRstd, rows: n, channels: c)
        #expect(closeness(dx, rdx, rtol: 1e-4, atol: 1e-5) <= 1)
        #expect(closeness(dw, rdw, rtol: 1e-4, atol: 1e-5) <= 1)
    }

    @Test func normalisedRowHasUnitRootMeanSquare() {
        let x: [Float] = [3, 4, 0, 0]
        var out = [Float](repeating: 0, count: 4)
        rmsnormForward(&out, nil, x, [1, 1, 1, 1], rows: 1, channels: 4, epsilon: 0)
        // mean square = 25/4 → rms 2.5
        #expect(closeness(out, [1.2, 1.6, 0, 0], rtol: 1e-6, atol: 1e-7) <= 1)
    }
}
