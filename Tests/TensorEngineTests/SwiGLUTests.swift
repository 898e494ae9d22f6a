import Testing
@testable import TensorEngine

@Suite struct SwiGLUTests {
    let count = 37

    @Test func naiveBackwardMatchesCentralDifferences() {
        let gate = randomDoubles(count, seed: 41, scale: 4), up = randomDoubles(count, seed: 42), g = randomDoubles(count, seed: 43)
        var dgate = [Double](repeating: 0, count: count), dup = dgate
        swigluBackwardNaive(&dgate, &dup, g, gate, up, count: count)
        func forward(_ gate: [Double], _ up: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: count)
            swigluForwardNaive(&out, gate, up, count: count)
            return out
        }
        #expect(centralDifferenceError(inputs: gate, analytic: dgate, upstream: g) { forward($0, up) } < 1e-5)
        #expect(centralDifferenceError(inputs: up, analytic: dup, upstream: g) { forward(gate, $0) } < 1e-5)
    }

    @Test func simdMatchesNaive() {
        let gate = randomDoubles(count, seed: 44, scale: 10).floats, up = randomDoubles(count, seed: 45).floats
        let g = randomDoubles(count, seed: 46).floats
        var out = [Float](repeating: 0, count: count), ref = out
        swigluForward(&out, gate, up, count: count)
        swigluForwardNaive(&ref, gate, up, count: count)
        #expect(closeness(out, ref, rtol: 1e-5, atol: 1e-6) <= 1)
        var dgate = [Float](repeating: 0.3, count: count), dup = dgate, rdgate = dgate, rdup = dgate
        swigluBackward(&dgate, &dup, g, gate, up, count: count)
        swigluBackwardNaive(&rdgate, &rdup, g, gate, up, count: count)
        #expect(closeness(dgate, rdgate, rtol: 1e-5, atol: 1e-6) <= 1)
        #expect(closeness(dup, rdup, rtol: 1e-5, atol: 1e-6) <= 1)
    }

    @Test func simdExpIsAccurate() {
        for x: Float in stride(from: -80, through: 80, by: 0.37) {
            let e = scalarExp(x)
            #expect(abs(e - Float.exponential(x)) <= 4e-7 * Float.exponential(x))
        }
        #expect(scalarExp(-.infinity) < 1e-37)
    }
}
