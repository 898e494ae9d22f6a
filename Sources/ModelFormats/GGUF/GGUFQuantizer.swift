// GGUFQuantizer: encodes Float32 values into the on-disk encodings GGUFWriter supports (F32, F16, BF16, Q8_0).
// Q8_0 follows ggml's `quantize_row_q8_0_ref` (ggml/src/ggml-quants.c): per block of 32, d = max|x| / 127,
// q = round-half-away(x * (1/d)); the same arithmetic as gguf-py's `Q8_0.quantize_blocks`.

/// Encoders from `Float` to ggml byte layouts. Internal: used by ``GGUFWriter``.
enum GGUFQuantizer {
    /// The types the writer can encode from floats.
    static let encodableTypes: [GGUFTensorType] = [.f32, .f16, .bf16, .q8_0]

    /// Encodes `values` (count a multiple of `type.blockSize`) as `type`, appending to `output`.
    static func encode(_ values: UnsafeBufferPointer<Float>, as type: GGUFTensorType, into output: inout [UInt8]) {
        let blockCount = values.count / type.blockSize
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: blockCount * type.typeSize))
        guard blockCount > 0, let input = values.baseAddress else { return }
        output.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            let out = base + start
            switch type {
            case .f32:
                for (index, value) in values.enumerated() {
                    out.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * index, as: UInt32.self)
                }
            case .f16:
                for (index, value) in values.enumerated() {
                    out.storeBytes(of: HalfPrecision.float16Bits(from: value).littleEndian, toByteOffset: 2 * index, as: UInt16.self)
                }
            case .bf16:
                for (index, value) in values.enumerated() {
                    out.storeBytes(of: HalfPrecision.bfloat16Bits(from: value).littleEndian, toByteOffset: 2 * index, as: UInt16.self)
                }
            case .q8_0:
                for block in 0..<blockCount { q8_0Block(input + block * 32, out + block * 34) }
            default:
                preconditionFailure("GGUFQuantizer cannot encode \(type); callers check encodableTypes")
            }
        }
    }

    /// One Q8_0 block: 32 floats → f16 scale + 32 int8.
    static func q8_0Block(_ values: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var amax: Float = 0
        for index in 0..<32 { amax = max(amax, abs(values[index])) }
        let d = amax / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        out.storeBytes(of: HalfPrecision.float16Bits(from: d).littleEndian, as: UInt16.self)
        for index in 0..<32 {
            let q = (values[index] * inverse).rounded(.toNearestOrAwayFromZero)
            let clamped: Int8 = q.isNaN ? 0 : Int8(max(-128, min(127, q)))  // NaN/Inf input must not trap
            out.storeBytes(of: clamped, toByteOffset: 2 + index, as: Int8.self)
        }
    }
}
