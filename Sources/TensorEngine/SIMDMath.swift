// Vector math for elementwise kernels. Only operations that compile to vector instructions are used
// (platform.md §3): `addingProduct` for FMA, compare + `replacing` for clamping, the magic-number add
// for rounding, integer shifts on bit patterns for 2ⁿ.

/// Vector eˣ for 16 lanes, relative error about 2e-7 on [-87, 88]; inputs below -87.3 (and -∞) give
/// about 1e-38 (treated as zero by callers), inputs above 88 are clamped to e⁸⁸.
/// - Parameter x: 16 arguments.
/// - Returns: e^x lane-wise.
@inline(__always)
package func simdExp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let high = SIMD16<Float>(repeating: 88.0)
    let low = SIMD16<Float>(repeating: -87.33)
    var x = x.replacing(with: high, where: x .> high)
    x = x.replacing(with: low, where: x .< low)
    let magic = SIMD16<Float>(repeating: 12_582_912)  // 1.5·2²³: adding it rounds to an integer
    let t = magic.addingProduct(x, SIMD16<Float>(repeating: 1.442_695_04))
    let n = t - magic
    var r = x.addingProduct(n, SIMD16<Float>(repeating: -0.693_145_751_953_125))
    r = r.addingProduct(n, SIMD16<Float>(repeating: -1.428_606_765_330_187e-6))
    var p = SIMD16<Float>(repeating: 1.0 / 5040)
    p = SIMD16<Float>(repeating: 1.0 / 720).addingProduct(p, r)
    p = SIMD16<Float>(repeating: 1.0 / 120).addingProduct(p, r)
    p = SIMD16<Float>(repeating: 1.0 / 24).addingProduct(p, r)
    p = SIMD16<Float>(repeating: 1.0 / 6).addingProduct(p, r)
    p = SIMD16<Float>(repeating: 0.5).addingProduct(p, r)
    p = SIMD16<Float>(repeating: 1).addingProduct(p, r)
    p = SIMD16<Float>(repeating: 1).addingProduct(p, r)
    let integer = unsafeBitCast(t, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
    let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD16<Float>.self)
    return p * scale
}

/// Scalar eˣ with the same polynomial as `simdExp` (used for loop tails so results do not depend on
/// where a row is split into vectors).
@inline(__always)
package func scalarExp(_ x: Float) -> Float {
    simdExp(SIMD16<Float>(repeating: x))[0]
}

/// Loads 16 floats from `p + offset` (no alignment needed).
@inline(__always)
package func load16(_ p: UnsafePointer<Float>, _ offset: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD16<Float>.self)
}

/// Stores 16 floats at `p + offset` (no alignment needed).
@inline(__always)
package func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ offset: Int) {
    UnsafeMutableRawPointer(p + offset).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// Maximum of a contiguous vector (vector compare + blend, no scalarising `.max()` in the loop).
/// - Parameters: x: [count], count ≥ 1.
@inline(__always)
package func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var i = 0
    var best = -Float.infinity
    if count >= 16 {
        var m = load16(x, 0)
        i = 16
        while i + 16 <= count {
            let v = load16(x, i)
            m = m.replacing(with: v, where: v .> m)
            i += 16
        }
        for lane in 0..<16 where m[lane] > best { best = m[lane] }
    }
    while i < count { if x[i] > best { best = x[i] }; i += 1 }
    return best
}
