// Residual connection: out = a + b. Backward: da += dout, db += dout.

/// Residual forward; `out` may alias `a` or `b`.
/// - Parameters: out: [count]. a: [count]. b: [count]. count: number of elements.
package func residualForward(
    _ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int
) {
    Parallel.chunks(count) { range in
        var i = range.lowerBound
        while i + 16 <= range.upperBound { store16(load16(a, i) + load16(b, i), out, i); i += 16 }
        while i < range.upperBound { out[i] = a[i] + b[i]; i += 1 }
    }
}

/// Residual backward; accumulates `dout` into `da` and `db` (either may be nil).
/// - Parameters: da: [count]. db: [count]. dout: [count]. count: number of elements.
package func residualBackward(
    _ da: UnsafeMutablePointer<Float>?, _ db: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>, count: Int
) {
    if let da { addInPlace(da, dout, count: count) }
    if let db { addInPlace(db, dout, count: count) }
}
