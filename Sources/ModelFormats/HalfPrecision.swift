// HalfPrecision: IEEE binary16 (Float16) and bfloat16 conversions done on bit patterns.
// Portable (works where Swift's Float16 type is unavailable, e.g. macOS on Intel); no tensor logic here.

/// Conversions between `Float` and the 16-bit float formats used by model files.
///
/// Both directions are exact in the widening direction; narrowing rounds to nearest, ties to even,
/// as IEEE 754 and PyTorch/numpy do. NaN stays NaN (made quiet), infinities stay infinite, and values too
/// large for binary16 become infinity.
///
/// ```swift
/// let bits = HalfPrecision.float16Bits(from: 0.1)        // 0x2E66
/// let back = HalfPrecision.float(fromFloat16Bits: bits)  // 0.099975586
/// ```
public enum HalfPrecision {
    /// Widens an IEEE binary16 bit pattern to `Float` (exact, including subnormals, infinities and NaN).
    ///
    /// - Parameter bits: The binary16 bit pattern.
    /// - Returns: The same value as a `Float`.
    @inlinable
    public static func float(fromFloat16Bits bits: UInt16) -> Float {
        // Shift exponent and mantissa into place, then rebias; subnormals are renormalised by a float
        // subtraction, Inf/NaN get the exponent pushed to all ones.
        let shifted = UInt32(bits & 0x7FFF) << 13
        let exponent = shifted & 0x0F80_0000
        var magnitude: Float
        if exponent == 0x0F80_0000 {
            magnitude = Float(bitPattern: shifted &+ 0x7000_0000)
        } else if exponent == 0 {
            magnitude = Float(bitPattern: shifted &+ 0x3880_0000) - Float(bitPattern: 0x3880_0000)
        } else {
            magnitude = Float(bitPattern: shifted &+ 0x3800_0000)
        }
        if bits & 0x8000 != 0 { magnitude = -magnitude }
        return magnitude
    }

    /// Narrows a `Float` to an IEEE binary16 bit pattern, rounding to nearest with ties to even.
    ///
    /// - Parameter value: Any float. Magnitudes of 65520 or more become infinity; NaN becomes a quiet NaN.
    /// - Returns: The binary16 bit pattern.
    @inlinable
    public static func float16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let magnitude = bits & 0x7FFF_FFFF
        if magnitude >= 0x4780_0000 {  // >= 65536, Inf or NaN
            if magnitude > 0x7F80_0000 {
                return sign | 0x7E00 | UInt16(truncatingIfNeeded: (magnitude >> 13) & 0x3FF)
            }
            return sign | 0x7C00
        }
        if magnitude < 0x3880_0000 {  // below 2^-14: result is subnormal or zero.
            // Adding 0.5 aligns the binary16 subnormal ulp (2^-24) with the float ulp, so the FPU's own
            // round-to-nearest-even does the rounding; the low bits are then the binary16 pattern.
            let sum = Float(bitPattern: magnitude) + Float(bitPattern: 0x3F00_0000)
            return sign | UInt16(truncatingIfNeeded: sum.bitPattern &- 0x3F00_0000)
        }
        let odd = (magnitude >> 13) & 1
        let rounded = (magnitude &+ 0xC800_0FFF &+ odd) >> 13  // rebias exponent by -112, add half-ulp - 1 + odd
        return sign | UInt16(truncatingIfNeeded: rounded)
    }

    /// Widens a bfloat16 bit pattern to `Float` (exact: bfloat16 is the top half of a float).
    ///
    /// - Parameter bits: The bfloat16 bit pattern.
    /// - Returns: The same value as a `Float`.
    @inlinable
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Narrows a `Float` to a bfloat16 bit pattern, rounding to nearest with ties to even.
    ///
    /// - Parameter value: Any float. Values that round past the largest bfloat16 become infinity;
    ///   NaN becomes a quiet NaN with the same sign.
    /// - Returns: The bfloat16 bit pattern.
    @inlinable
    public static func bfloat16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 {
            return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        }
        let roundingBias: UInt32 = 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    /// Widens `count` binary16 values stored little-endian at `source` (any alignment) into `destination`.
    ///
    /// - Parameters:
    ///   - source: Start of `2 * count` bytes.
    ///   - destination: Start of `count` floats.
    ///   - count: Number of values.
    public static func convertFloat16ToFloat(
        _ source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        for index in 0..<count {
            let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
            destination[index] = float(fromFloat16Bits: bits)
        }
    }

    /// Widens `count` bfloat16 values stored little-endian at `source` (any alignment) into `destination`.
    ///
    /// - Parameters:
    ///   - source: Start of `2 * count` bytes.
    ///   - destination: Start of `count` floats.
    ///   - count: Number of values.
    public static func convertBFloat16ToFloat(
        _ source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        for index in 0..<count {
            let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
            destination[index] = Float(bitPattern: UInt32(bits) << 16)
        }
    }
}
