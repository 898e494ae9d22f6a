import Foundation
import Testing
@testable import TensorEngine

@Suite struct TokenLogProbTests {
    let m = 3, v = 41
    let targets: [Int32] = [0, 17, 40]

    @Test(arguments: [1.0, 0.7]) func naiveBackwardMatchesCentralDifferences(temperature: Double) {
        let logits = randomDoubles(m * v, seed: 71, scale: 3), g = randomDoubles(m, seed: 72)
        var dlogits = [Double](repeating: 0, count: m * v)
        tokenLogProbBackwardNaive(&dlogits, g, logits, targets, temperature: temperature, rows: m, vocabulary: v)
        let error = centralDifferenceError(inputs: logits, analytic: dlogits, upstream: g) { x in
            var lp = [Double](repeating: 0, count: m)
            tokenLogProbForwardNaive(&lp, nil, x, targets, temperature: temperature, rows: m, vocabulary: v)
            return lp
        }
        #expect(error < 1e-5)
    }

    @Test(arguments: [Float(1), 0.6]) func simdMatchesNaive(temperature: Float) {
        let logits = randomDoubles(m * v, seed: 73, scale: 8).floats, g = randomDoubles(m, seed: 74).floats
        var lp = [Float](repeating: 0, count: m), lse = lp, entropy = lp, refLp = lp, refEntropy = lp
        tokenLogProbForward(&lp, &lse, &entropy, logits, targets, temperature: temperature, rows: m, vocabulary: v)
        tokenLogProbForwardNaive(&refLp, &refEntropy, logits, targets, temperature: temperature, rows: m, vocabulary: v)
        #expect(closeness(lp, refLp, rtol: 1e-5, atol: 1e-5) <= 1)
        #expect(closeness(entropy, refEntropy, rtol: 1e-4, atol: 1e-5) <= 1)
        var d = [Float](repeating: 0.5, count: m * v), ref = d
        tokenLogProbBackward(&d, g, logits, lse, targets, temperature: temperature, rows: m, vocabulary: v)
        tokenLogProbBackwardNaive(&ref, g, logits, targets, temperature: temperature, rows: m, vocabulary: v)
        #expect(closeness(d, ref, rtol: 1e-4, atol: 1e-6) <= 1)
    }

    @Test func uniformLogitsGiveLogOfVocabulary() {
        let logits = [Float](repeating: 2.5, count: 8)
        var lp: [Float] = [0], entropy: [Float] = [0], loss: [Float] = [0]
        tokenLogProbForward(&lp, nil, &entropy, logits, [3], temperature: 1, rows: 1, vocabulary: 8)
        crossEntropyForward(&loss, nil, logits, [3], rows: 1, vocabulary: 8)
        #expect(abs(lp[0] + Float(log(8.0))) < 1e-6)
        #expect(abs(entropy[0] - Float(log(8.0))) < 1e-6)
        #expect(abs(loss[0] - Float(log(8.0))) < 1e-6)
    }
}
