import Foundation
import Testing
@testable import TensorEngine

@Suite struct AttentionTests {
    // B = 2, T = 5, H = 4, Hkv = 2 (grouped-query), D = 3; second sequence right-padded after 3 tokens.
    let b = 2, t = 5, h = 4, hkv = 2, d = 3
    var mask: [Double] { [1, 1, 1, 1, 1, 1, 1, 1, 0, 0] }

    func forward(_ q: [Double], _ k: [Double], _ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: b * t * h * d), probs = [Double](repeating: 0, count: b * h * t * t)
        attentionForwardNaive(&out, &probs, q, k, v, mask, batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        return out
    }

    @Test func naiveBackwardMatchesCentralDifferences() {
        let q = randomDoubles(b * t * h * d, seed: 51), k = randomDoubles(b * t * hkv * d, seed: 52)
        let v = randomDoubles(b * t * hkv * d, seed: 53)
        var g = randomDoubles(b * t * h * d, seed: 54)
        for i in (b * t * h * d - 2 * h * d)..<(b * t * h * d) { g[i] = 0 }  // padded queries are never read
        var out = [Double](repeating: 0, count: q.count), probs = [Double](repeating: 0, count: b * h * t * t)
        attentionForwardNaive(&out, &probs, q, k, v, mask, batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        var dq = [Double](repeating: 0, count: q.count), dk = [Double](repeating: 0, count: k.count), dv = dk
        attentionBackwardNaive(&dq, &dk, &dv, g, probs, q, k, v, batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        #expect(centralDifferenceError(inputs: q, analytic: dq, upstream: g) { forward($0, k, v) } < 1e-5)
        #expect(centralDifferenceError(inputs: k, analytic: dk, upstream: g) { forward(q, $0, v) } < 1e-5)
        #expect(centralDifferenceError(inputs: v, analytic: dv, upstream: g) { forward(q, k, $0) } < 1e-5)
        // Padded keys get no gradient.
        for s in 8..<10 { for c in 0..<(hkv * d) { #expect(dk[s * hkv * d + c] == 0 && dv[s * hkv * d + c] == 0) } }
    }

    /// Query blocks of 2 rows exercise the blocked (causal-skipping) path; 64 is one block. Packed: with the
    /// segments below (row 0 holds a prompt and two continuations).
    @Test(arguments: [(1, 64, false), (2, 2, false), (1, 3, false), (1, 64, true), (2, 2, true), (1, 3, true)])
    func blasMatchesNaive(threads: Int, queryBlock: Int, packed: Bool) {
        let previous = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = previous }
        let q = randomDoubles(b * t * h * d, seed: 55).floats, k = randomDoubles(b * t * hkv * d, seed: 56).floats
        let v = randomDoubles(b * t * hkv * d, seed: 57).floats, g = randomDoubles(b * t * h * d, seed: 58).floats
        let m = mask.floats
        let segments = packed ? segmentStarts : nil, prefix = packed ? sharedPrefix : nil
        var out = [Float](repeating: 0, count: q.count), ref = out
        var probs = [Float](repeating: 0, count: b * h * t * t), refProbs = probs
        attentionForward(&out, &probs, q, k, v, m, segmentStarts: segments, sharedPrefix: prefix,
                         batch: b, length: t, heads: h, kvHeads: hkv, headDim: d, queryBlock: queryBlock)
        attentionForwardNaive(&ref, &refProbs, q, k, v, m, segmentStarts: segments, sharedPrefix: prefix,
                              batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        #expect(closeness(out, ref, rtol: 1e-5, atol: 1e-6) <= 1)
        #expect(closeness(probs, refProbs, rtol: 1e-5, atol: 1e-7) <= 1)
        var dq = [Float](repeating: 0.1, count: q.count), dk = [Float](repeating: 0.1, count: k.count), dv = dk
        var rdq = dq, rdk = dk, rdv = dv
        // Without a probabilities buffer the forward gives the same output (its blocks live in scratch).
        var scratchOut = [Float](repeating: .nan, count: q.count)
        attentionForward(&scratchOut, nil, q, k, v, m, segmentStarts: segments, sharedPrefix: prefix,
                         batch: b, length: t, heads: h, kvHeads: hkv, headDim: d, queryBlock: queryBlock)
        #expect(scratchOut == out)
        // The backward recomputes the probabilities from q, k and the masks.
        attentionBackward(&dq, &dk, &dv, g, q, k, v, m, segmentStarts: segments, sharedPrefix: prefix,
                          batch: b, length: t, heads: h, kvHeads: hkv, headDim: d, queryBlock: queryBlock)
        attentionBackwardNaive(&rdq, &rdk, &rdv, g, refProbs, q, k, v, batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        #expect(closeness(dq, rdq, rtol: 1e-4, atol: 1e-5) <= 1)
        #expect(closeness(dk, rdk, rtol: 1e-4, atol: 1e-5) <= 1)
        #expect(closeness(dv, rdv, rtol: 1e-4, atol: 1e-5) <= 1)
    }

    @Test(arguments: [1, 3]) func cachedAttentionMatchesTrainingKernel(newRows: Int) {
        // One sequence of T = 5 (no padding): queries start..<5 against a "cache" holding all 5 keys.
        let q = randomDoubles(t * h * d, seed: 59).floats, k = randomDoubles(t * hkv * d, seed: 60).floats
        let v = randomDoubles(t * hkv * d, seed: 61).floats
        var ref = [Float](repeating: 0, count: q.count), probs = [Float](repeating: 0, count: h * t * t)
        attentionForward(&ref, &probs, q, k, v, nil, batch: 1, length: t, heads: h, kvHeads: hkv, headDim: d)
        let start = t - newRows
        var out = [Float](repeating: 0, count: newRows * h * d), scratch = [Float](repeating: 0, count: newRows * t)
        let qNew = Array(q[(start * h * d)...])
        for head in 0..<h {
            cachedAttentionHead(&out, qNew, k, v, scratch: &scratch, rows: newRows, start: start, head: head,
                                kvHead: head / (h / hkv), headDim: d, queryStride: h * d, kvStride: hkv * d)
        }
        #expect(closeness(out, Array(ref[(start * h * d)...]), rtol: 1e-5, atol: 1e-6) <= 1)
    }

    /// The one-query decode path against softmax(q·k/√D)·v computed in Double here, at head widths with and
    /// without a 64-column block and a scalar tail, and key counts around the four-key groups.
    @Test(arguments: [(64, 1), (64, 7), (64, 13), (40, 9), (8, 5), (80, 4)])
    func cachedDecodeAttentionMatchesDoubleReference(headDim: Int, keys: Int) {
        let heads = 3, kvHeads = 1
        let q = randomDoubles(heads * headDim, seed: 81), k = randomDoubles(keys * kvHeads * headDim, seed: 82)
        let v = randomDoubles(keys * kvHeads * headDim, seed: 83)
        var out = [Float](repeating: .nan, count: heads * headDim), scratch = [Float](repeating: 0, count: keys)
        let qf = q.floats, kf = k.floats, vf = v.floats
        for head in 0..<heads {
            cachedAttentionHead(&out, qf, kf, vf, scratch: &scratch, rows: 1, start: keys - 1, head: head, kvHead: 0,
                                headDim: headDim, queryStride: heads * headDim, kvStride: kvHeads * headDim)
        }
        var reference = [Double](repeating: 0, count: heads * headDim)
        for head in 0..<heads {
            let scores = (0..<keys).map { s in
                (0..<headDim).reduce(0.0) { $0 + q[head * headDim + $1] * k[s * headDim + $1] } / Double(headDim).squareRoot()
            }
            let top = scores.max()!, weights = scores.map { exp($0 - top) }, total = weights.reduce(0, +)
            for c in 0..<headDim {
                reference[head * headDim + c] = (0..<keys).reduce(0.0) { $0 + weights[$1] / total * v[$1 * headDim + c] }
            }
        }
        #expect(closeness(out, reference.floats, rtol: 1e-5, atol: 1e-6) <= 1)
    }

    /// Keys and values split between a lender's rows (the shared prompt) and the sequence's own rows give the
    /// same bits as all of them in one block, for every split point (including none and all).
    @Test(arguments: [(64, 13), (40, 9), (80, 6)]) func sharedPrefixDecodeIsBitIdenticalToOneBlock(headDim: Int, keys: Int) {
        let heads = 3, kvHeads = 1, row = kvHeads * headDim
        let q = randomDoubles(heads * headDim, seed: 91).floats, k = randomDoubles(keys * row, seed: 92).floats
        let v = randomDoubles(keys * row, seed: 93).floats
        var scratch = [Float](repeating: 0, count: keys)
        var whole = [Float](repeating: .nan, count: heads * headDim)
        for head in 0..<heads {
            decodeAttentionHead(&whole, q, k, v, sharedKeys: nil, sharedValues: nil, sharedCount: 0, scratch: &scratch,
                                length: keys, head: head, kvHead: 0, headDim: headDim, kvStride: row)
        }
        for split in 0...keys {
            // The sequence's own rows hold garbage below the split: they must not be read.
            var ownK = k, ownV = v
            for i in 0..<(split * row) { ownK[i] = .nan; ownV[i] = .nan }
            let lenderK = Array(k[0..<(split * row)]) + [0], lenderV = Array(v[0..<(split * row)]) + [0]
            var out = [Float](repeating: .nan, count: heads * headDim)
            for head in 0..<heads {
                decodeAttentionHead(&out, q, ownK, ownV, sharedKeys: lenderK, sharedValues: lenderV, sharedCount: split,
                                    scratch: &scratch, length: keys, head: head, kvHead: 0, headDim: headDim, kvStride: row)
            }
            #expect(out.map(\.bitPattern) == whole.map(\.bitPattern), "split \(split)")
        }
    }

    // Packed rows: row 0 holds a 2-token prompt, then continuation A (tokens 2, 3), then continuation B
    // (token 4); row 1 is an ordinary right-padded row. Continuations see the prompt and themselves only.
    let segmentStarts: [Int32] = [0, 0, 2, 2, 4, 0, 0, 0, 0, 0]
    let sharedPrefix: [Int32] = [2, 0]

    func packedForward(_ q: [Double], _ k: [Double], _ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: b * t * h * d), probs = [Double](repeating: 0, count: b * h * t * t)
        attentionForwardNaive(&out, &probs, q, k, v, mask, segmentStarts: segmentStarts, sharedPrefix: sharedPrefix,
                              batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        return out
    }

    @Test func packedNaiveBackwardMatchesCentralDifferences() {
        let q = randomDoubles(b * t * h * d, seed: 71), k = randomDoubles(b * t * hkv * d, seed: 72)
        let v = randomDoubles(b * t * hkv * d, seed: 73)
        var g = randomDoubles(b * t * h * d, seed: 74)
        for i in (b * t * h * d - 2 * h * d)..<(b * t * h * d) { g[i] = 0 }
        var out = [Double](repeating: 0, count: q.count), probs = [Double](repeating: 0, count: b * h * t * t)
        attentionForwardNaive(&out, &probs, q, k, v, mask, segmentStarts: segmentStarts, sharedPrefix: sharedPrefix,
                              batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        var dq = [Double](repeating: 0, count: q.count), dk = [Double](repeating: 0, count: k.count), dv = dk
        attentionBackwardNaive(&dq, &dk, &dv, g, probs, q, k, v, batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        #expect(centralDifferenceError(inputs: q, analytic: dq, upstream: g) { packedForward($0, k, v) } < 1e-5)
        #expect(centralDifferenceError(inputs: k, analytic: dk, upstream: g) { packedForward(q, $0, v) } < 1e-5)
        #expect(centralDifferenceError(inputs: v, analytic: dv, upstream: g) { packedForward(q, k, $0) } < 1e-5)
        // Token 4 (continuation B) never sees continuation A's keys 2 and 3.
        for head in 0..<h { for s in 2...3 { #expect(probs[(head * t + 4) * t + s] == 0) } }
    }

    /// A continuation's outputs in the packed row equal ordinary causal attention over prompt + that
    /// continuation alone.
    @Test func packedContinuationEqualsItsOwnSequence() {
        let q = randomDoubles(b * t * h * d, seed: 75), k = randomDoubles(b * t * hkv * d, seed: 76)
        let v = randomDoubles(b * t * hkv * d, seed: 77)
        let packed = packedForward(q, k, v)
        for (tokens, continuation) in [([0, 1, 2, 3], 2..<4), ([0, 1, 4], 4..<5)] {
            func pick(_ x: [Double], width: Int) -> [Double] { tokens.flatMap { x[($0 * width)..<($0 * width + width)] } }
            let n = tokens.count
            var out = [Double](repeating: 0, count: n * h * d), probs = [Double](repeating: 0, count: h * n * n)
            attentionForwardNaive(&out, &probs, pick(q, width: h * d), pick(k, width: hkv * d), pick(v, width: hkv * d),
                                  nil, batch: 1, length: n, heads: h, kvHeads: hkv, headDim: d)
            for (j, position) in continuation.enumerated() {
                let own = Array(out[((2 + j) * h * d)..<((3 + j) * h * d)])
                let inRow = Array(packed[(position * h * d)..<((position + 1) * h * d)])
                #expect(zip(own, inRow).allSatisfy { abs($0 - $1) < 1e-12 })
            }
        }
    }

    /// Longer rows than the fixture above, so spans are cut both by segment boundaries and by the query block:
    /// row 0 packs a 7-token prompt, continuations of 11, 1 and 9 tokens and 4 padded positions; row 1 is an
    /// ordinary row with 5 padded positions. The BLAS kernels match the naive ones, and give the same bits on
    /// one thread and on two.
    @Test(arguments: [8, 5, 64]) func longPackedRowsMatchNaiveOnAnyThreadCount(queryBlock: Int) {
        let b = 2, t = 32, h = 6, hkv = 2, d = 16
        var starts = [Int32](repeating: 0, count: b * t)
        var cursor = 7
        for length in [11, 1, 9] {
            for i in cursor..<cursor + length { starts[i] = Int32(cursor) }
            cursor += length
        }
        let prefix: [Int32] = [7, 0]
        var mask = [Float](repeating: 1, count: b * t)
        for i in 28..<32 { mask[i] = 0 }
        for i in (t + 27)..<(2 * t) { mask[i] = 0 }
        let q = randomDoubles(b * t * h * d, seed: 81).floats, k = randomDoubles(b * t * hkv * d, seed: 82).floats
        let v = randomDoubles(b * t * hkv * d, seed: 83).floats
        var g = randomDoubles(b * t * h * d, seed: 84).floats
        for row in 0..<(b * t) where mask[row] == 0 { for c in 0..<(h * d) { g[row * h * d + c] = 0 } }
        var ref = [Float](repeating: 0, count: q.count), refProbs = [Float](repeating: 0, count: b * h * t * t)
        attentionForwardNaive(&ref, &refProbs, q, k, v, mask, segmentStarts: starts, sharedPrefix: prefix,
                              batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        var rdq = [Float](repeating: 0.1, count: q.count), rdk = [Float](repeating: 0.1, count: k.count), rdv = rdk
        attentionBackwardNaive(&rdq, &rdk, &rdv, g, refProbs, q, k, v, batch: b, length: t, heads: h, kvHeads: hkv, headDim: d)
        var results: [[Float]] = []
        for threads in [1, 2] {
            let previous = Parallel.threadCount
            Parallel.threadCount = threads
            defer { Parallel.threadCount = previous }
            var out = [Float](repeating: 0, count: q.count), probs = [Float](repeating: .nan, count: b * h * t * t)
            attentionForward(&out, &probs, q, k, v, mask, segmentStarts: starts, sharedPrefix: prefix,
                             batch: b, length: t, heads: h, kvHeads: hkv, headDim: d, queryBlock: queryBlock)
            var dq = [Float](repeating: 0.1, count: q.count), dk = [Float](repeating: 0.1, count: k.count), dv = dk
            attentionBackward(&dq, &dk, &dv, g, q, k, v, mask, segmentStarts: starts, sharedPrefix: prefix,
                              batch: b, length: t, heads: h, kvHeads: hkv, headDim: d, queryBlock: queryBlock)
            // Real queries only: padded ones attend to whatever is unmasked and nobody reads them.
            for row in 0..<(b * t) where mask[row] == 1 {
                let range = (row * h * d)..<((row + 1) * h * d)
                #expect(closeness(Array(out[range]), Array(ref[range]), rtol: 1e-5, atol: 1e-6) <= 1, "row \(row)")
            }
            for bb in 0..<b {
                for head in 0..<h {
                    for row in 0..<t where mask[bb * t + row] == 1 {
                        let range = (((bb * h + head) * t + row) * t)..<(((bb * h + head) * t + row + 1) * t)
                        #expect(closeness(Array(probs[range]), Array(refProbs[range]), rtol: 1e-5, atol: 1e-7) <= 1)
                    }
                }
            }
            #expect(closeness(dq, rdq, rtol: 1e-4, atol: 1e-5) <= 1)
            #expect(closeness(dk, rdk, rtol: 1e-4, atol: 1e-5) <= 1)
            #expect(closeness(dv, rdv, rtol: 1e-4, atol: 1e-5) <= 1)
            results.append(out + dq + dk + dv)
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
    }
}

