// GGUFDequantizer: block decoders from ggml types to Float32. Block layouts follow ggml's ggml-common.h and the
// reference `dequantize_row_*` functions in ggml/src/ggml-quants.c (https://github.com/ggml-org/ggml, master);
// written from the layout description, not copied. No file handling here.
//
// The kernels are plain loops over fixed-size blocks that LLVM auto-vectorises under `-target-cpu haswell`.
// Hand-written SIMD16 versions of Q8_0/Q4_1 were measured slower (the Int8→Int32→Float lane conversions
// scalarise): on SmolLM2, 1 thread, CPU time, Q4_1 3.5 G values/s plain vs 1.9 G SIMD16; Q8_0 1.67 vs 1.48.

/// Decodes runs of ggml blocks to floats. `source` points at `blockCount * type.typeSize` bytes (any
/// alignment); `destination` at `blockCount * type.blockSize` floats.
enum GGUFDequantizer {
    /// Dequantizes `blockCount` blocks of `type` (which must satisfy `canDequantize`).
    static func dequantize(
        _ type: GGUFTensorType, source: UnsafeRawPointer, destination: UnsafeMutablePointer<Float>, blockCount: Int
    ) {
        switch type {
        case .f32:
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: blockCount * 4)
        case .f16: HalfPrecision.convertFloat16ToFloat(source, into: destination, count: blockCount)
        case .bf16: HalfPrecision.convertBFloat16ToFloat(source, into: destination, count: blockCount)
        case .q8_0: q8_0(source, destination, blockCount)
        case .q4_0: q4_0(source, destination, blockCount)
        case .q4_1: q4_1(source, destination, blockCount)
        case .q4_K: q4_K(source, destination, blockCount)
        case .q5_K: q5_K(source, destination, blockCount)
        case .q6_K: q6_K(source, destination, blockCount)
        default: preconditionFailure("dequantize called for unsupported type \(type); callers check canDequantize")
        }
    }

    @inline(__always)
    static func half(_ pointer: UnsafeRawPointer, _ offset: Int) -> Float {
        HalfPrecision.float(fromFloat16Bits: UInt16(littleEndian: pointer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    @inline(__always)
    static func byte(_ pointer: UnsafeRawPointer, _ offset: Int) -> UInt8 {
        pointer.load(fromByteOffset: offset, as: UInt8.self)
    }

    // MARK: 32-value blocks

    /// block_q8_0: f16 d | int8 qs[32];  x = d * q.
    static func q8_0(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, _ blockCount: Int) {
        for block in 0..<blockCount {
            let base = source + block * 34
            let scale = half(base, 0)
            let out = destination + block * 32
            for index in 0..<32 {
                out[index] = scale * Float(Int8(bitPattern: byte(base, 2 + index)))
            }
        }
    }

    /// block_q4_0: f16 d | uint8 qs[16]; value j is the low nibble of qs[j] (j < 16) or the high nibble of
    /// qs[j - 16]; x = d * (nibble - 8).
    static func q4_0(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, _ blockCount: Int) {
        for block in 0..<blockCount {
            let base = source + block * 18
            let scale = half(base, 0)
            let out = destination + block * 32
            for index in 0..<16 {
                let packed = byte(base, 2 + index)
                out[index] = scale * Float(Int(packed & 0x0F) - 8)
                out[index + 16] = scale * Float(Int(packed >> 4) - 8)
            }
        }
    }

    /// block_q4_1: f16 d | f16 m | uint8 qs[16]; nibbles as in Q4_0; x = d * nibble + m.
    static func q4_1(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, _ blockCount: Int) {
        for block in 0..<blockCount {
            let base = source + block * 20
            let scale = half(base, 0)
            let minimum = half(base, 2)
            let out = destination + block * 32
            for index in 0..<16 {
                let packed = byte(base, 4 + index)
                out[index] = scale * Float(packed & 0x0F) + minimum
                out[index + 16] = scale * Float(packed >> 4) + minimum
            }
        }
    }

    // MARK: 256-value K-quant blocks

    /// The 6-bit scale and min of sub-block `j` (0..<8) from the 12 packed bytes of Q4_K/Q5_K
    /// (ggml's `get_scale_min_k4`).
    @inline(__always)
    static func scaleMin(_ j: Int, _ scales: UnsafeRawPointer) -> (scale: Float, min: Float) {
        if j < 4 {
            return (Float(byte(scales, j) & 63), Float(byte(scales, j + 4) & 63))
        }
        let scale = (byte(scales, j + 4) & 0x0F) | ((byte(scales, j - 4) >> 6) << 4)
        let minimum = (byte(scales, j + 4) >> 4) | ((byte(scales, j) >> 6) << 4)
        return (Float(scale), Float(minimum))
    }

    /// block_q4_K: f16 d | f16 dmin | uint8 scales[12] | uint8 qs[128]. Eight sub-blocks of 32; each 64
    /// values share 32 bytes of qs (low nibbles first, then high). x = d * sc * q - dmin * m.
    static func q4_K(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, _ blockCount: Int) {
        for block in 0..<blockCount {
            let base = source + block * 144
            let d = half(base, 0), dmin = half(base, 2)
            let scales = base + 4
            var qs = base + 16
            var out = destination + block * 256
            for pair in 0..<4 {
                let (sc1, m1) = scaleMin(2 * pair, scales)
                let (sc2, m2) = scaleMin(2 * pair + 1, scales)
                let d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2
                for l in 0..<32 { out[l] = d1 * Float(byte(qs, l) & 0x0F) - min1 }
                for l in 0..<32 { out[32 + l] = d2 * Float(byte(qs, l) >> 4) - min2 }
                qs += 32
                out += 64
            }
        }
    }

    /// block_q5_K: f16 d | f16 dmin | uint8 scales[12] | uint8 qh[32] | uint8 qs[128]. As Q4_K with a fifth
    /// bit per value from qh (bit 2·pair for the low-nibble half, 2·pair+1 for the high half).
    static func q5_K(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, _ blockCount: Int) {
        for block in 0..<blockCount {
            let base = source + block * 176
            let d = half(base, 0), dmin = half(base, 2)
            let scales = base + 4
            let qh = base + 16
            var qs = base + 48
            var out = destination + block * 256
            var lowBit: UInt8 = 1, highBit: UInt8 = 2
            for pair in 0..<4 {
                let (sc1, m1) = scaleMin(2 * pair, scales)
                let (sc2, m2) = scaleMin(2 * pair + 1, scales)
                let d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2
                for l in 0..<32 {
                    let high: UInt8 = byte(qh, l) & lowBit != 0 ? 16 : 0
                    out[l] = d1 * Float((byte(qs, l) & 0x0F) + high) - min1
                }
                for l in 0..<32 {
                    let high: UInt8 = byte(qh, l) & highBit != 0 ? 16 : 0
                    out[32 + l] = d2 * Float((byte(qs, l) >> 4) + high) - min2
                }
                qs += 32
                out += 64
                lowBit <<= 2
                highBit <<= 2
            }
        }
    }

    /// block_q6_K: uint8 ql[128] | uint8 qh[64] | int8 scales[16] | f16 d. Two halves of 128 values; each value
    /// has 4 low bits from ql and 2 high bits from qh, offset by -32; 16 sub-blocks of 16 share an int8 scale.
    static func q6_K(_ source: UnsafeRawPointer, _ destination: UnsafeMutablePointer<Float>, _ blockCount: Int) {
        for block in 0..<blockCount {
            let base = source + block * 210
            let d = half(base, 208)
            var ql = base
            var qh = base + 128
            var scales = base + 192
            var out = destination + block * 256
            for _ in 0..<2 {
                for l in 0..<32 {
                    let group = l / 16
                    let h = byte(qh, l)
                    let q1 = Int((byte(ql, l) & 0x0F) | ((h & 3) << 4)) - 32
                    let q2 = Int((byte(ql, l + 32) & 0x0F) | (((h >> 2) & 3) << 4)) - 32
                    let q3 = Int((byte(ql, l) >> 4) | (((h >> 4) & 3) << 4)) - 32
                    let q4 = Int((byte(ql, l + 32) >> 4) | (((h >> 6) & 3) << 4)) - 32
                    func scale(_ index: Int) -> Float { Float(Int8(bitPattern: byte(scales, index))) }
                    out[l] = d * scale(group) * Float(q1)
                    out[l + 32] = d * scale(group + 2) * Float(q2)
                    out[l + 64] = d * scale(group + 4) * Float(q3)
                    out[l + 96] = d * scale(group + 6) * Float(q4)
                }
                ql += 64
                qh += 32
                scales += 8
                out += 128
            }
        }
    }
}
