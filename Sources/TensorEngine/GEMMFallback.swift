// A blocked Swift GEMM used only when no BLAS library can be loaded (and as the reference the BLAS
// path is tested against). Packs op(A) to [M, K] and op(B)ᵀ to [N, K] so every inner loop is a
// contiguous SIMD dot product; processes 4 columns of C per pass over a row of A.

/// Fallback for `BLAS.sgemm`: same contract (row-major, `C = alpha·op(A)·op(B) + beta·C`).
package func fallbackSgemm(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    let packedA = UnsafeMutablePointer<Float>.allocate(capacity: max(1, m * k))
    let packedB = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n * k))
    defer { packedA.deallocate(); packedB.deallocate() }
    for i in 0..<m {
        for p in 0..<k { packedA[i * k + p] = transA == .none ? a[i * lda + p] : a[p * lda + i] }
    }
    for j in 0..<n {
        for p in 0..<k { packedB[j * k + p] = transB == .none ? b[p * ldb + j] : b[j * ldb + p] }
    }
    for i in 0..<m {
        let row = packedA + i * k
        var j = 0
        while j < n {
            let width = min(4, n - j)
            var sums: (Float, Float, Float, Float) = (0, 0, 0, 0)
            for q in 0..<width {
                let s = dot(row, packedB + (j + q) * k, count: k)
                switch q {
                case 0: sums.0 = s
                case 1: sums.1 = s
                case 2: sums.2 = s
                default: sums.3 = s
                }
            }
            for q in 0..<width {
                let s = q == 0 ? sums.0 : q == 1 ? sums.1 : q == 2 ? sums.2 : sums.3
                let target = c + i * ldc + j + q
                target.pointee = beta == 0 ? alpha * s : alpha * s + beta * target.pointee
            }
            j += width
        }
    }
}

/// Dot product of two contiguous Float vectors with 16-wide SIMD accumulation.
/// - Parameters: x: [count]. y: [count].
/// - Returns: Σ x[i]·y[i].
@inline(__always)
package func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>(repeating: 0)
    var i = 0
    while i + 16 <= count {
        acc = acc.addingProduct(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self),
                                UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self))
        i += 16
    }
    var sum = acc.sum()
    while i < count { sum += x[i] * y[i]; i += 1 }
    return sum
}
