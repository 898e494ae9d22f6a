// LogitsKernels: SIMD passes over one row of logits [V] used by Sampler (max/arg-max, shifted exp with sum,
// log-sum-exp, threshold gather, cumulative search). Internal; each has a scalar reference in the tests.
// Not a general tensor library: rows are contiguous Float, V any size (a scalar tail handles V % 16).
// Built with -target-cpu haswell so addingProduct is a real FMA (see shared/notes/platform.md §3).

import Foundation

/// Vectorised kernels over a contiguous row of `count` floats.
enum LogitsKernels {
    typealias Vector = SIMD16<Float>
    static let width = 16

    /// The largest value and the lowest index holding it. NaN entries are ignored unless all are NaN.
    /// - Parameters:
    ///   - x: the row, `[count]`.
    ///   - count: `V >= 1`.
    /// - Returns: `(maximum, index)`.
    static func maximum(_ x: UnsafePointer<Float>, count: Int) -> (value: Float, index: Int) {
        precondition(count >= 1, "maximum of an empty row")
        var best = Vector(repeating: -.infinity)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            best = best.replacing(with: v, where: v .> best)
            i += width
        }
        var m: Float = -.infinity
        for lane in 0..<width where best[lane] > m { m = best[lane] }
        while i < count {
            if x[i] > m { m = x[i] }
            i += 1
        }
        // First index equal to the maximum (chunks without it are skipped with one compare).
        let target = Vector(repeating: m)
        i = 0
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            if any(v .== target) { break }
            i += width
        }
        while i < count, x[i] != m { i += 1 }
        if i == count { return (x[0], 0) }  // all NaN (or -inf-only rows): fall back to token 0
        return (m, i)
    }

    /// Vectorised `exp` (Cephes `expf` range reduction and polynomial; relative error about 2e-7 on
    /// `[-87, 0]`); inputs below `-87.3` give exactly `0`, so masked (`-inf`) logits get zero probability.
    @inline(__always)
    static func vectorExp(_ input: Vector) -> Vector {
        let low = Vector(repeating: -87.3)
        let x = input.replacing(with: low, where: input .< low)
        let magic = Vector(repeating: 12_582_912)  // 1.5 * 2^23: adding it rounds to the nearest integer
        let t = magic.addingProduct(x, Vector(repeating: 1.442_695_04))
        let n = t - magic
        var r = x.addingProduct(n, Vector(repeating: -0.693_359_375))
        r = r.addingProduct(n, Vector(repeating: 2.121_944_4e-4))
        var p = Vector(repeating: 1.987_569_150_0e-4)
        p = Vector(repeating: 1.398_199_950_7e-3).addingProduct(p, r)
        p = Vector(repeating: 8.333_451_907_3e-3).addingProduct(p, r)
        p = Vector(repeating: 4.166_579_589_4e-2).addingProduct(p, r)
        p = Vector(repeating: 1.666_666_545_9e-1).addingProduct(p, r)
        p = Vector(repeating: 5.000_000_120_1e-1).addingProduct(p, r)
        let y = (r + Vector(repeating: 1)).addingProduct(p, r * r)
        let exponent = unsafeBitCast(t, to: SIMD16<Int32>.self) &- SIMD16<Int32>(repeating: 0x4B40_0000)
        let scale = unsafeBitCast((exponent &+ SIMD16<Int32>(repeating: 127)) &<< SIMD16<Int32>(repeating: 23), to: Vector.self)
        return (y * scale).replacing(with: Vector(repeating: 0), where: input .< low)
    }

    /// Writes `out[i] = exp((x[i] - shift) * scale)` and returns the sum of the outputs.
    /// - Parameters:
    ///   - x: logits, `[count]`.
    ///   - count: V.
    ///   - shift: subtracted first (the row maximum, so every output is in `[0, 1]`).
    ///   - scale: multiplier after the shift (`1 / temperature`).
    ///   - out: destination, `[count]`; may not alias `x`.
    /// - Returns: the sum of `out`, accumulated in Float lanes and flushed to Double every 64 vectors.
    static func shiftedExp(
        _ x: UnsafePointer<Float>, count: Int, shift: Float, scale: Float, into out: UnsafeMutablePointer<Float>
    ) -> Double {
        let raw = UnsafeRawPointer(x)
        let rawOut = UnsafeMutableRawPointer(out)
        let shiftVector = Vector(repeating: shift)
        let scaleVector = Vector(repeating: scale)
        var total = 0.0
        var lanes = Vector(repeating: 0)
        var i = 0
        var flush = 0
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            let e = vectorExp((v - shiftVector) * scaleVector)
            rawOut.storeBytes(of: e, toByteOffset: i * 4, as: Vector.self)
            lanes += e
            i += width
            flush += 1
            if flush == 64 {
                total += Double(lanes.sum())
                lanes = Vector(repeating: 0)
                flush = 0
            }
        }
        total += Double(lanes.sum())
        while i < count {
            let e = exp((x[i] - shift) * scale)
            out[i] = e
            total += Double(e)
            i += 1
        }
        return total
    }

    /// `sum(exp(x[i] - shift))` without storing the terms (for the raw log-sum-exp).
    /// - Parameters:
    ///   - x: logits, `[count]`.
    ///   - count: V.
    ///   - shift: the row maximum.
    /// - Returns: the sum, as Double.
    static func shiftedExpSum(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> Double {
        let raw = UnsafeRawPointer(x)
        let shiftVector = Vector(repeating: shift)
        var total = 0.0
        var lanes = Vector(repeating: 0)
        var i = 0
        var flush = 0
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            lanes += vectorExp(v - shiftVector)
            i += width
            flush += 1
            if flush == 64 {
                total += Double(lanes.sum())
                lanes = Vector(repeating: 0)
                flush = 0
            }
        }
        total += Double(lanes.sum())
        while i < count {
            total += Double(exp(x[i] - shift))
            i += 1
        }
        return total
    }

    /// Collects, in increasing index order, the indices `i` with `x[i] >= threshold`.
    /// - Parameters:
    ///   - x: values, `[count]`.
    ///   - count: V.
    ///   - threshold: the inclusion bound.
    ///   - indices: destination, capacity `count`.
    /// - Returns: the number of indices written.
    static func gather(
        _ x: UnsafePointer<Float>, count: Int, atLeast threshold: Float, into indices: UnsafeMutablePointer<Int32>
    ) -> Int {
        let raw = UnsafeRawPointer(x)
        let bound = Vector(repeating: threshold)
        var n = 0
        var i = 0
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            if any(v .>= bound) {
                for lane in 0..<width where v[lane] >= threshold {
                    indices[n] = Int32(i + lane)
                    n += 1
                }
            }
            i += width
        }
        while i < count {
            if x[i] >= threshold {
                indices[n] = Int32(i)
                n += 1
            }
            i += 1
        }
        return n
    }

    /// The first index at which the running sum of the entries `>= floor` of `x` exceeds `target`, or the
    /// last positive such entry when rounding leaves `target` beyond their total.
    /// - Parameters:
    ///   - x: non-negative weights, `[count]`.
    ///   - count: V.
    ///   - target: a value in `[0, Σ_{x[i] >= floor} x[i])`.
    ///   - floor: entries below it count as 0 (`0` counts every entry).
    /// - Returns: the selected index.
    static func searchCumulative(_ x: UnsafePointer<Float>, count: Int, target: Double, atLeast floor: Float = 0) -> Int {
        let raw = UnsafeRawPointer(x)
        let zero = Vector(repeating: 0)
        let bound = Vector(repeating: floor)
        var cumulative = 0.0
        var i = 0
        let block = 4 * width
        while i + block <= count {
            var a = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            var b = raw.loadUnaligned(fromByteOffset: (i + width) * 4, as: Vector.self)
            var c = raw.loadUnaligned(fromByteOffset: (i + 2 * width) * 4, as: Vector.self)
            var d = raw.loadUnaligned(fromByteOffset: (i + 3 * width) * 4, as: Vector.self)
            a = a.replacing(with: zero, where: a .< bound)
            b = b.replacing(with: zero, where: b .< bound)
            c = c.replacing(with: zero, where: c .< bound)
            d = d.replacing(with: zero, where: d .< bound)
            let blockSum = Double(((a + b) + (c + d)).sum())
            if cumulative + blockSum > target { break }
            cumulative += blockSum
            i += block
        }
        var lastPositive = -1
        while i < count {
            let value = x[i]
            if value > 0, value >= floor {
                lastPositive = i
                cumulative += Double(value)
                if cumulative > target { return i }
            }
            i += 1
        }
        if lastPositive >= 0 { return lastPositive }
        // Rounding pushed the target past a block boundary: take the last qualifying entry of the row.
        var j = count - 1
        while j > 0, !(x[j] > 0 && x[j] >= floor) { j -= 1 }
        return j
    }

    /// Sum of the entries `>= floor`.
    /// - Parameters:
    ///   - x: weights, `[count]`.
    ///   - count: V.
    ///   - floor: inclusion bound.
    /// - Returns: the sum, as Double.
    static func sum(_ x: UnsafePointer<Float>, count: Int, atLeast floor: Float) -> Double {
        let raw = UnsafeRawPointer(x)
        let zero = Vector(repeating: 0)
        let bound = Vector(repeating: floor)
        var total = 0.0
        var lanes = zero
        var i = 0
        var flush = 0
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            lanes += v.replacing(with: zero, where: v .< bound)
            i += width
            flush += 1
            if flush == 64 {
                total += Double(lanes.sum())
                lanes = zero
                flush = 0
            }
        }
        total += Double(lanes.sum())
        while i < count {
            if x[i] >= floor { total += Double(x[i]) }
            i += 1
        }
        return total
    }

    // MARK: - Weight buckets for top-p

    /// The bucket of a weight in `(0, 1]`: 16 buckets per octave read off the float's bits, bucket 0 holding
    /// the largest weights (`(0.958, 1]`); a smaller weight never has a smaller bucket. At most 2032.
    @inline(__always)
    static func bucket(_ value: Float) -> Int {
        Int(Int32(bitPattern: 0x3F80_0000) &- Int32(bitPattern: value.bitPattern)) >> 19
    }

    /// The largest weight in bucket `b` (inclusive): `bucket(w) < b` exactly when `w > bucketUpperEdge(b)`.
    static func bucketUpperEdge(_ b: Int) -> Float {
        let bits = 0x3F80_0000 - (b << 19)
        return bits > 0 ? Float(bitPattern: UInt32(bits)) : 0
    }

    /// Adds each weight `>= floor` to `mass[bucket(weight)]` (after zeroing `mass`).
    ///
    /// Four interleaved partial histograms (one per lane residue mod 4) break the load-add-store chain that
    /// consecutive weights in the same bucket would otherwise form; they are summed at the end.
    /// - Parameters:
    ///   - x: weights in `[0, 1]`, `[count]`.
    ///   - count: V.
    ///   - floor: inclusion bound, `> 0`.
    ///   - mass: destination and scratch, `[4 * buckets]`; the result is in `mass[0..<buckets]`.
    ///   - buckets: histogram length, `> 2032`.
    /// - Returns: `bucket(floor)`, the last bucket that can hold mass; only `mass[0...returned]` is meaningful.
    @discardableResult
    static func bucketMass(
        _ x: UnsafePointer<Float>, count: Int, atLeast floor: Float, into mass: UnsafeMutablePointer<Double>, buckets: Int
    ) -> Int {
        let last = bucket(floor)
        let dropped = bucket(0)  // masked-out lanes are zeroed and land here, adding 0
        for k in 0..<4 {
            (mass + k * buckets).update(repeating: 0, count: last + 1)
            mass[k * buckets + dropped] = 0
        }
        let m0 = mass, m1 = mass + buckets, m2 = mass + 2 * buckets, m3 = mass + 3 * buckets
        let raw = UnsafeRawPointer(x)
        let bound = Vector(repeating: floor)
        let zero = Vector(repeating: 0)
        var i = 0
        while i + width <= count {
            var v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            let keep = v .>= bound
            if any(keep) {
                v = v.replacing(with: zero, where: .!keep)  // dropped weights add 0 to the last bucket
                var lane = 0
                while lane < width {
                    m0[bucket(v[lane])] += Double(v[lane])
                    m1[bucket(v[lane + 1])] += Double(v[lane + 1])
                    m2[bucket(v[lane + 2])] += Double(v[lane + 2])
                    m3[bucket(v[lane + 3])] += Double(v[lane + 3])
                    lane += 4
                }
            }
            i += width
        }
        while i < count {
            if x[i] >= floor { m0[bucket(x[i])] += Double(x[i]) }
            i += 1
        }
        for b in 0...last { m0[b] += (m1[b] + m2[b]) + m3[b] }
        return last
    }

    /// Collects, in increasing index order, the indices with `low <= x[i] <= high`.
    /// - Parameters:
    ///   - x: values, `[count]`.
    ///   - count: V.
    ///   - low: inclusive lower bound.
    ///   - high: inclusive upper bound.
    ///   - indices: destination, capacity `count`.
    /// - Returns: the number of indices written.
    static func gather(
        _ x: UnsafePointer<Float>, count: Int, from low: Float, through high: Float, into indices: UnsafeMutablePointer<Int32>
    ) -> Int {
        let raw = UnsafeRawPointer(x)
        let lowVector = Vector(repeating: low)
        let highVector = Vector(repeating: high)
        var n = 0
        var i = 0
        while i + width <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            if any((v .>= lowVector) .& (v .<= highVector)) {
                for lane in 0..<width where v[lane] >= low && v[lane] <= high {
                    indices[n] = Int32(i + lane)
                    n += 1
                }
            }
            i += width
        }
        while i < count {
            if x[i] >= low, x[i] <= high {
                indices[n] = Int32(i)
                n += 1
            }
            i += 1
        }
        return n
    }

}
