import Foundation
import Testing
@testable import TensorEngine

/// The decode GEMM on packed 16-wide weight panels against the naive product.
@Suite struct PanelMatmulTests {
    /// Row counts that use every tile (6, 4, 2, 1 rows) and output widths that end in a partial panel.
    @Test(arguments: [(1, 16), (3, 21), (5, 37), (8, 16), (13, 5), (16, 37), (32, 48)])
    func packedProductMatchesNaive(rows: Int, outF: Int) {
        let inF = 29
        let x = randomDoubles(rows * inF, seed: 61).floats, w = randomDoubles(outF * inF, seed: 62).floats
        var ref = [Float](repeating: 0, count: rows * outF)
        matmulForwardNaive(&ref, x, w, nil, rows: rows, inFeatures: inF, outFeatures: outF)
        var packed = [Float](repeating: .nan, count: panelStorageBytes(outFeatures: outF, inFeatures: inF, precision: .f32) / 4)
        var out = [Float](repeating: -7, count: rows * outF)
        let panels = (outF + panelWidth - 1) / panelWidth
        packed.withUnsafeMutableBytes { bytes in
            let weight = packWeightPanels(bytes.baseAddress!, w, outFeatures: outF, inFeatures: inF, precision: .f32)
            panelMatmulForward(&out, x, weight, rows: rows, inFeatures: inF, outFeatures: outF, panels: 0..<panels)
        }
        #expect(!packed.contains { $0.isNaN }, "every panel lane is written (0 past N)")
        #expect(closeness(out, ref, rtol: 1e-5, atol: 1e-5) <= 1)
    }

    /// Panels longer than one block of steps (32): the running sums carry from block to block, through a
    /// partial last block, for every tile, at both precisions, on a range of panels that ends mid-weight (the
    /// prefetches stop at the range's end).
    @Test(arguments: [(1, 75), (6, 64), (8, 75), (11, 33), (16, 100), (32, 75)])
    func panelsLongerThanOneBlockMatchNaive(rows: Int, inF: Int) {
        let outF = 53
        let x = randomDoubles(rows * inF, seed: 66).floats, w = randomDoubles(outF * inF, seed: 67).floats
        for precision in DecodeWeightPrecision.allCases {
            let weights = precision == .bf16 ? w.map(Self.bf16Rounded) : w
            var ref = [Float](repeating: 0, count: rows * outF)
            matmulForwardNaive(&ref, x, weights, nil, rows: rows, inFeatures: inF, outFeatures: outF)
            let memory = UnsafeMutableRawPointer.allocate(
                byteCount: panelStorageBytes(outFeatures: outF, inFeatures: inF, precision: precision), alignment: 64)
            defer { memory.deallocate() }
            let packed = packWeightPanels(memory, w, outFeatures: outF, inFeatures: inF, precision: precision)
            var out = [Float](repeating: -7, count: rows * outF)
            panelMatmulForward(&out, x, packed, rows: rows, inFeatures: inF, outFeatures: outF, panels: 0..<2)
            panelMatmulForward(&out, x, packed, rows: rows, inFeatures: inF, outFeatures: outF, panels: 2..<4)
            #expect(closeness(out, ref, rtol: 1e-5, atol: 1e-5) <= 1, "\(precision)")
        }
    }

    /// A panel range writes only its own columns.
    @Test func panelRangeWritesOnlyItsColumns() {
        let rows = 3, inF = 10, outF = 40
        let x = randomDoubles(rows * inF, seed: 63).floats, w = randomDoubles(outF * inF, seed: 64).floats
        var packed = [Float](repeating: 0, count: panelStorageBytes(outFeatures: outF, inFeatures: inF, precision: .f32) / 4)
        var out = [Float](repeating: -7, count: rows * outF)
        packed.withUnsafeMutableBytes { bytes in
            let weight = packWeightPanels(bytes.baseAddress!, w, outFeatures: outF, inFeatures: inF, precision: .f32)
            panelMatmulForward(&out, x, weight, rows: rows, inFeatures: inF, outFeatures: outF, panels: 1..<2)
        }
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
        let memory = zip(widths, weights).map { width, weight -> UnsafeMutableRawPointer in
            .allocate(byteCount: panelStorageBytes(outFeatures: width, inFeatures: inF, precision: .f32), alignment: 64)
        }
        let packed = (0..<3).map {
            packWeightPanels(memory[$0], weights[$0], outFeatures: widths[$0], inFeatures: inF, precision: .f32)
        }
        let outs = widths.map { UnsafeMutablePointer<Float>.allocate(capacity: rows * $0) }
        defer { for p in memory { p.deallocate() }; for p in outs { p.deallocate() } }
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

    /// The bfloat16 nearest to `x`, computed apart from the code under test: scale by the bf16 unit in the last
    /// place (7 stored mantissa bits) and round half to even in Double.
    static func bf16Rounded(_ x: Float) -> Float {
        if x == 0 || !x.isFinite { return x }
        let ulp = pow(2.0, Double(x.exponent) - 7)
        return Float((Double(x) / ulp).rounded(.toNearestOrEven) * ulp)
    }

    /// Bit patterns worked out by hand: exact values, both kinds of tie, just above a tie, overflow, NaN.
    @Test func bfloat16RoundingIsNearestEven() {
        #expect(bfloat16Bits(1) == 0x3F80)
        #expect(bfloat16Bits(-2.5) == 0xC020)
        #expect(bfloat16Bits(1 + 0x1p-8) == 0x3F80, "tie between 0x3F80 and 0x3F81 goes to the even 0x3F80")
        #expect(bfloat16Bits(1 + 3 * 0x1p-8) == 0x3F82, "tie between 0x3F81 and 0x3F82 goes to the even 0x3F82")
        #expect(bfloat16Bits(1 + 0x1p-8 + 0x1p-20) == 0x3F81, "just above a tie rounds up")
        #expect(bfloat16Bits(.greatestFiniteMagnitude) == 0x7F80, "rounds past the largest bf16 to infinity")
        let nan = bfloat16Bits(.nan)
        #expect(nan & 0x7F80 == 0x7F80 && nan & 0x007F != 0, "NaN stays NaN")
        for x in randomDoubles(200, seed: 90).floats {
            let widened = Float(bitPattern: UInt32(bfloat16Bits(x)) << 16)
            #expect(widened == Self.bf16Rounded(x), "\(x)")
        }
    }

    /// bf16 panels give the product of the bf16-rounded weight (float32 accumulation), for every tile and a
    /// partial last panel; past `panelRowLimit` rows too (bf16 panels serve every row count).
    @Test(arguments: [(1, 16), (7, 37), (8, 33), (13, 5), (16, 16), (40, 48)])
    func bf16PanelsGiveTheRoundedWeightsProduct(rows: Int, outF: Int) {
        let inF = 29
        let x = randomDoubles(rows * inF, seed: 91).floats, w = randomDoubles(outF * inF, seed: 92).floats
        var ref = [Float](repeating: 0, count: rows * outF)
        matmulForwardNaive(&ref, x, w.map(Self.bf16Rounded), nil, rows: rows, inFeatures: inF, outFeatures: outF)
        var unrounded = [Float](repeating: 0, count: rows * outF)
        matmulForwardNaive(&unrounded, x, w, nil, rows: rows, inFeatures: inF, outFeatures: outF)
        let bytes = panelStorageBytes(outFeatures: outF, inFeatures: inF, precision: .bf16)
        #expect(bytes == (outF + 15) / 16 * 16 * inF * 2)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { memory.deallocate() }
        let packed = packWeightPanels(memory, w, outFeatures: outF, inFeatures: inF, precision: .bf16)
        // Row-major weights of zeros: only the packed path can produce the product.
        let zeros = [Float](repeating: 0, count: outF * inF)
        var out = [Float](repeating: -7, count: rows * outF)
        out.withUnsafeMutableBufferPointer { o in
            zeros.withUnsafeBufferPointer { z in
                matmulForwardGroup(LinearProduct(out: o.baseAddress!, weight: z.baseAddress!, bias: nil, outFeatures: outF, packed: packed),
                                   input: x, rows: rows, inFeatures: inF)
            }
        }
        #expect(closeness(out, ref, rtol: 1e-5, atol: 1e-5) <= 1)
        #expect(zip(out, unrounded).contains { abs($0 - $1) > 1e-4 }, "the weights really were rounded")
    }
}
