import Testing
@testable import TensorEngine

/// The decode GEMM on packed 16-wide weight panels against the naive product.
@Suite struct PanelMatmulTests {
    /// Row counts that use every tile (6, 2, 1 rows) and output widths that end in a partial panel.
    @Test(arguments: [(1, 16), (7, 37), (13, 5), (32, 48)])
    func packedProductMatchesNaive(rows: Int, outF: Int) {
        let inF = 29
        let x = randomDoubles(rows * inF, seed: 61).floats, w = randomDoubles(outF * inF, seed: 62).floats
        var ref = [Float](repeating: 0, count: rows * outF)
        matmulForwardNaive(&ref, x, w, nil, rows: rows, inFeatures: inF, outFeatures: outF)
        var packed = [Float](repeating: .nan, count: panelStorageCount(outFeatures: outF, inFeatures: inF))
        packWeightPanels(&packed, w, outFeatures: outF, inFeatures: inF)
        #expect(!packed.contains { $0.isNaN }, "every panel lane is written (0 past N)")
        var out = [Float](repeating: -7, count: rows * outF)
        let panels = (outF + panelWidth - 1) / panelWidth
        panelMatmulForward(&out, x, packed, rows: rows, inFeatures: inF, outFeatures: outF, panels: 0..<panels)
        #expect(closeness(out, ref, rtol: 1e-5, atol: 1e-5) <= 1)
    }

    /// A panel range writes only its own columns.
    @Test func panelRangeWritesOnlyItsColumns() {
        let rows = 3, inF = 10, outF = 40
        let x = randomDoubles(rows * inF, seed: 63).floats, w = randomDoubles(outF * inF, seed: 64).floats
        var packed = [Float](repeating: 0, count: panelStorageCount(outFeatures: outF, inFeatures: inF))
        packWeightPanels(&packed, w, outFeatures: outF, inFeatures: inF)
        var out = [Float](repeating: -7, count: rows * outF)
        panelMatmulForward(&out, x, packed, rows: rows, inFeatures: inF, outFeatures: outF, panels: 1..<2)
        for m in 0..<rows {
            for j in 0..<outF where !(16..<32).contains(j) { #expect(out[m * outF + j] == -7) }
        }
    }

    /// Three products with biases and packed weights in one parallel region equal three separate naive products.
    @Test(arguments: [1, 2]) func groupMatchesSeparateProducts(threads: Int) {
        let previous = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = previous }
        let rows = 9, inF = 64, widths = [96, 40, 17]
        let x = randomDoubles(rows * inF, seed: 65).floats
        let weights = widths.enumerated().map { randomDoubles($0.element * inF, seed: UInt64(70 + $0.offset)).floats }
        let biases = widths.enumerated().map { randomDoubles($0.element, seed: UInt64(80 + $0.offset)).floats }
        let packed = zip(widths, weights).map { width, weight -> UnsafeMutablePointer<Float> in
            let count = panelStorageCount(outFeatures: width, inFeatures: inF)
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            packWeightPanels(p, weight, outFeatures: width, inFeatures: inF)
            return p
        }
        let outs = widths.map { UnsafeMutablePointer<Float>.allocate(capacity: rows * $0) }
        defer { for p in packed + outs { p.deallocate() } }
        biases[0].withUnsafeBufferPointer { b0 in
            biases[1].withUnsafeBufferPointer { b1 in
                biases[2].withUnsafeBufferPointer { b2 in
                    let b = [b0.baseAddress!, b1.baseAddress!, b2.baseAddress!]
                    // The row-major weights are zeros: only the packed path can produce the products.
                    let zeros = [Float](repeating: 0, count: widths.max()! * inF)
                    zeros.withUnsafeBufferPointer { z in
                        let products = (0..<3).map {
                            LinearProduct(out: outs[$0], weight: z.baseAddress!, bias: b[$0], outFeatures: widths[$0], packed: packed[$0])
                        }
                        matmulForwardGroup(products[0], products[1], products[2], input: x, rows: rows, inFeatures: inF)
                    }
                }
            }
        }
        for p in 0..<3 {
            var ref = [Float](repeating: 0, count: rows * widths[p])
            matmulForwardNaive(&ref, x, weights[p], biases[p], rows: rows, inFeatures: inF, outFeatures: widths[p])
            #expect(closeness(Array(UnsafeBufferPointer(start: outs[p], count: rows * widths[p])), ref, rtol: 1e-5, atol: 1e-5) <= 1)
        }
    }
}
