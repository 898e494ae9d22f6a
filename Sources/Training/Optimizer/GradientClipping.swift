// GradientClipping.swift — global L2 norm of gradients and clipping to a maximum norm,
// with torch.nn.utils.clip_grad_norm_ semantics: scale = min(1, max_norm / (norm + 1e-6)).

import Foundation

/// Global-norm gradient clipping over flat Float buffers.
public enum GradientClipping {
    /// The L2 norm over all given buffers, accumulated in SIMD8 Float partial sums per block and Double
    /// across blocks (so million-element buffers do not lose precision).
    /// - Parameter buffers: gradient buffers; their norm is √(Σ_b Σ_i g²).
    /// - Returns: the global norm (NaN/inf if any gradient is non-finite).
    public static func globalNorm(_ buffers: [UnsafeBufferPointer<Float>]) -> Double {
        var total = 0.0
        for buffer in buffers { total += sumOfSquares(buffer) }
        return total.squareRoot()
    }

    /// Scales all buffers in place so that their global norm is at most `maxNorm`.
    /// - Parameters:
    ///   - buffers: gradient buffers, modified in place.
    ///   - maxNorm: the maximum norm; values ≤ 0 disable clipping (the norm is still computed).
    /// - Returns: the norm *before* clipping (what TRL logs as `grad_norm`).
    @discardableResult
    public static func clip(_ buffers: [UnsafeMutableBufferPointer<Float>], maxNorm: Double) -> Double {
        let norm = globalNorm(buffers.map { UnsafeBufferPointer($0) })
        guard maxNorm > 0, norm.isFinite else { return norm }
        let coefficient = maxNorm / (norm + 1e-6)
        guard coefficient < 1 else { return norm }
        let scale = Float(coefficient)
        for buffer in buffers { scaleInPlace(buffer, by: scale) }
        return norm
    }

    /// Σ g² of one buffer; 4096-element blocks summed in SIMD8<Float>, blocks summed in Double.
    static func sumOfSquares(_ buffer: UnsafeBufferPointer<Float>) -> Double {
        guard let base = buffer.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        let n = buffer.count
        var total = 0.0
        var blockStart = 0
        while blockStart < n {
            let blockEnd = min(n, blockStart + 4096)
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            var i = blockStart
            while i + 16 <= blockEnd {
                let a = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                let b = raw.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
                acc0 = acc0.addingProduct(a, a)
                acc1 = acc1.addingProduct(b, b)
                i += 16
            }
            var partial = Double((acc0 + acc1).sum())
            while i < blockEnd {
                partial += Double(base[i] * base[i])
                i += 1
            }
            total += partial
            blockStart = blockEnd
        }
        return total
    }

    /// x ← s·x in place.
    static func scaleInPlace(_ buffer: UnsafeMutableBufferPointer<Float>, by scale: Float) {
        guard let base = buffer.baseAddress else { return }
        let raw = UnsafeMutableRawPointer(base)
        var i = 0
        while i + 8 <= buffer.count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * scale
            raw.storeBytes(of: v, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < buffer.count {
            base[i] *= scale
            i += 1
        }
    }
}
