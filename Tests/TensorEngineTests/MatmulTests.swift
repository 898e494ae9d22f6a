import Testing
@testable import TensorEngine

@Suite struct MatmulTests {
    let n = 5, ic = 7, oc = 6

    @Test func naiveBackwardMatchesCentralDifferences() {
        let x = randomDoubles(n * ic, seed: 1), w = randomDoubles(oc * ic, seed: 2), b = randomDoubles(oc, seed: 3)
        let g = randomDoubles(n * oc, seed: 4)
        func forward(_ x: [Double], _ w: [Double], _ b: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: n * oc)
            matmulForwardNaive(&out, x, w, b, rows: n, inFeatures: ic, outFeatures: oc)
            return out
        }
        var dx = [Double](repeating: 0, count: n * ic), dw = [Double](repeating: 0, count: oc * ic)
        var db = [Double](repeating: 0, count: oc)
        matmulBackwardNaive(&dx, &dw, &db, g, x, w, rows: n, inFeatures: ic, outFeatures: oc)
        #expect(centralDifferenceError(inputs: x, analytic: dx, upstream: g) { forward($0, w, b) } < 1e-5)
        #expect(centralDifferenceError(inputs: w, analytic: dw, upstream: g) { forward(x, $0, b) } < 1e-5)
        #expect(centralDifferenceError(inputs: b, analytic: db, upstream: g) { forward(x, w, $0) } < 1e-5)
    }

    /// rows 64 takes the BLAS path, rows 1, 5, 16 the small-batch kernel; sizes reach the two-worker split.
    @Test(arguments: [(1, 64), (2, 64), (1, 5), (2, 16), (1, 1)]) func optimisedMatchesNaive(threads: Int, rows: Int) {
        let previous = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = previous }
        let inF = rows <= 16 ? 33 : 97, outF = rows <= 16 ? 9000 : 700
        let x = randomDoubles(rows * inF, seed: 5).floats, w = randomDoubles(outF * inF, seed: 6).floats
        let b = randomDoubles(outF, seed: 7).floats, g = randomDoubles(rows * outF, seed: 8).floats
        var out = [Float](repeating: 0, count: rows * outF), ref = out
        matmulForward(&out, x, w, b, rows: rows, inFeatures: inF, outFeatures: outF)
        matmulForwardNaive(&ref, x, w, b, rows: rows, inFeatures: inF, outFeatures: outF)
        #expect(closeness(out, ref, rtol: 1e-4, atol: 1e-4) <= 1)
        if rows <= smallBatchRowLimit { return }  // the backward has no small-batch path
        var dx = [Float](repeating: 0.5, count: rows * inF), dw = [Float](repeating: 0.25, count: outF * inF)
        var db = [Float](repeating: 1, count: outF)
        var rdx = dx, rdw = dw, rdb = db
        matmulBackward(&dx, &dw, &db, g, x, w, rows: rows, inFeatures: inF, outFeatures: outF)
        matmulBackwardNaive(&rdx, &rdw, &rdb, g, x, w, rows: rows, inFeatures: inF, outFeatures: outF)
        #expect(closeness(dx, rdx, rtol: 1e-4, atol: 1e-3) <= 1)
        #expect(closeness(dw, rdw, rtol: 1e-4, atol: 1e-3) <= 1)
        #expect(closeness(db, rdb, rtol: 1e-4, atol: 1e-3) <= 1)
    }

    @Test func smallBatchKernelHandlesOddShapes() {
        let rows = 6, inF = 19, outF = 7
        let x = randomDoubles(rows * inF, seed: 12).floats, w = randomDoubles(outF * inF, seed: 13).floats
        var out = [Float](repeating: 0, count: rows * outF), ref = out
        smallBatchMatmulForward(&out, x, w, rows: rows, inFeatures: inF, outFeatures: outF, columns: 0..<outF)
        matmulForwardNaive(&ref, x, w, nil, rows: rows, inFeatures: inF, outFeatures: outF)
        #expect(closeness(out, ref, rtol: 1e-5, atol: 1e-6) <= 1)
        // A column range writes only its columns.
        var partial = [Float](repeating: -1, count: rows * outF)
        smallBatchMatmulForward(&partial, x, w, rows: rows, inFeatures: inF, outFeatures: outF, columns: 2..<5)
        for m in 0..<rows { for j in 0..<outF {
            if (2..<5).contains(j) { #expect(abs(partial[m * outF + j] - ref[m * outF + j]) < 1e-5) } else { #expect(partial[m * outF + j] == -1) }
        } }
    }

    @Test(arguments: [(Transpose.none, Transpose.none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed)])
    func backendMatchesFallback(transA: Transpose, transB: Transpose) {
        let m = 9, n = 13, k = 21
        let a = randomDoubles(m * k, seed: 9).floats, b = randomDoubles(k * n, seed: 10).floats
        let lda = transA == .none ? k : m, ldb = transB == .none ? n : k
        var c = randomDoubles(m * n, seed: 11).floats, ref = c
        BLAS.sgemm(transA, transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: &c, ldc: n)
        fallbackSgemm(transA, transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: &ref, ldc: n)
        // Independent triple loop.
        var direct = randomDoubles(m * n, seed: 11).floats
        for i in 0..<m { for j in 0..<n {
            var s: Float = 0
            for p in 0..<k { s += (transA == .none ? a[i * k + p] : a[p * m + i]) * (transB == .none ? b[p * n + j] : b[j * k + p]) }
            direct[i * n + j] = 0.5 * s + direct[i * n + j]
        } }
        #expect(closeness(c, direct, rtol: 1e-5, atol: 1e-5) <= 1)
        #expect(closeness(ref, direct, rtol: 1e-5, atol: 1e-5) <= 1)
    }

    @Test func backendIsReported() {
        #expect(!BLAS.backend.description.isEmpty)
        #if os(Linux)
        if case .openBLAS(let core) = BLAS.backend { #expect(core != "Prescott") }
        #endif
    }
}
