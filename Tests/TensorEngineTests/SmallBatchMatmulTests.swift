import Testing
@testable import TensorEngine

/// The decode-path linear layers: the K-blocked small-batch kernel and the grouped (q/k/v, gate/up) product.
@Suite struct SmallBatchMatmulTests {
    /// IC larger than the L1 block (so partial sums are accumulated), IC not a multiple of 8, M not a
    /// multiple of 4, and a column range with odd ends; compared with the naive Double-free reference.
    @Test(arguments: [(16, 1003), (8, 1536), (13, 777), (3, 2100)])
    func blockedKernelMatchesNaive(rows: Int, inF: Int) {
        let outF = 11
        let x = randomDoubles(rows * inF, seed: 21).floats, w = randomDoubles(outF * inF, seed: 22).floats
        var ref = [Float](repeating: 0, count: rows * outF)
        matmulForwardNaive(&ref, x, w, nil, rows: rows, inFeatures: inF, outFeatures: outF)
        var out = [Float](repeating: -7, count: rows * outF)
        smallBatchMatmulForward(&out, x, w, rows: rows, inFeatures: inF, outFeatures: outF, columns: 1..<10)
        for m in 0..<rows {
            for j in 0..<outF {
                let value = out[m * outF + j]
                if (1..<10).contains(j) {
                    #expect(abs(value - ref[m * outF + j]) <= 1e-4 * max(1, abs(ref[m * outF + j])))
                } else {
                    #expect(value == -7)  // outside the range: untouched
                }
            }
        }
    }

    /// Three products with biases in one parallel region equal three separate naive products.
    @Test(arguments: [1, 2]) func groupMatchesSeparateProducts(threads: Int) {
        let previous = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = previous }
        let rows = 12, inF = 576, widths = [576, 193, 191]
        let x = randomDoubles(rows * inF, seed: 31).floats
        let weights = widths.enumerated().map { randomDoubles($0.element * inF, seed: UInt64(40 + $0.offset)).floats }
        let biases = widths.enumerated().map { randomDoubles($0.element, seed: UInt64(50 + $0.offset)).floats }
        // Plain pointers: the three outputs are written inside one call.
        let w = weights.map { array in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: array.count); p.initialize(from: array, count: array.count); return p
        }
        let b = biases.map { array in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: array.count); p.initialize(from: array, count: array.count); return p
        }
        let o = widths.map { width in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: rows * width); p.initialize(repeating: 0, count: rows * width); return p
        }
        defer { for p in w + b + o { p.deallocate() } }
        x.withUnsafeBufferPointer { xp in
            matmulForwardGroup(
                LinearProduct(out: o[0], weight: w[0], bias: b[0], outFeatures: widths[0]),
                LinearProduct(out: o[1], weight: w[1], bias: b[1], outFeatures: widths[1]),
                LinearProduct(out: o[2], weight: w[2], bias: b[2], outFeatures: widths[2]),
                input: xp.baseAddress!, rows: rows, inFeatures: inF)
        }
        let outs = (0..<3).map { Array(UnsafeBufferPointer(start: o[$0], count: rows * widths[$0])) }
        for p in 0..<3 {
            var ref = [Float](repeating: 0, count: rows * widths[p])
            matmulForwardNaive(&ref, x, weights[p], biases[p], rows: rows, inFeatures: inF, outFeatures: widths[p])
            #expect(closeness(outs[p], ref, rtol: 1e-4, atol: 1e-4) <= 1)
        }
    }
}
