// Tests for HalfPrecision: exhaustive 16-bit round trips, edge values rounded by numpy / ml_dtypes
// (Fixtures/formats/quant.json), and agreement with Swift's own Float16 conversion on random floats.
import Testing
@testable import ModelFormats

@Suite struct HalfPrecisionTests {
    @Test func everyFloat16PatternWidensAndNarrowsBack() {
        for bits in UInt16.min...UInt16.max {
            let value = HalfPrecision.float(fromFloat16Bits: bits)
            let back = HalfPrecision.float16Bits(from: value)
            if value.isNaN {
                #expect(back & 0x7C00 == 0x7C00 && back & 0x03FF != 0, "NaN \(bits) must stay NaN")
            } else {
                #expect(back == bits, "pattern \(bits) → \(value) → \(back)")
            }
        }
    }

    @Test func everyBFloat16PatternWidensAndNarrowsBack() {
        for bits in UInt16.min...UInt16.max {
            let value = HalfPrecision.float(fromBFloat16Bits: bits)
            let back = HalfPrecision.bfloat16Bits(from: value)
            if value.isNaN {
                #expect(back & 0x7F80 == 0x7F80 && back & 0x007F != 0, "NaN \(bits) must stay NaN")
            } else {
                #expect(back == bits)
            }
        }
    }

    @Test func edgeValuesRoundLikeNumpyAndMLDtypes() throws {
        let fixture = try Fixtures.quant()
        for (index, value) in fixture.edgeValues.enumerated() {
            #expect(HalfPrecision.float16Bits(from: value) == fixture.edgeFloat16Bits[index], "float16(\(value))")
            #expect(HalfPrecision.bfloat16Bits(from: value) == fixture.edgeBfloat16Bits[index], "bfloat16(\(value))")
        }
        #expect(HalfPrecision.bfloat16Bits(from: .nan) & 0x7FC0 == 0x7FC0)
        #expect(HalfPrecision.float16Bits(from: -.nan) == 0xFE00)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func matchesSwiftFloat16OnRandomFloats() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200_000 {
            // Random bit patterns cover every exponent, including subnormal and overflowing ranges.
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            let expected = Float16(value)
            let actual = HalfPrecision.float16Bits(from: value)
            if value.isNaN {
                #expect(Float16(bitPattern: actual).isNaN)
            } else {
                #expect(actual == expected.bitPattern, "\(value)")
                #expect(HalfPrecision.float(fromFloat16Bits: actual) == Float(expected))
            }
        }
    }
    #endif

    @Test func bfloat16RoundsToTheNearestNeighbour() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<100_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0x7F7F_FFFF)  // finite, positive
            let rounded = HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: value))
            // Neighbours in Double; the upper one may be 2^128, which bfloat16 represents as infinity.
            let down = Float(bitPattern: value.bitPattern & 0xFFFF_0000)
            let up = Double(down) + Double(down.ulp) * 65536
            let roundedValue = rounded.isInfinite ? 0x1p128 : Double(rounded)
            #expect(roundedValue == Double(down) || roundedValue == up)
            let other = roundedValue == Double(down) ? up : Double(down)
            #expect(abs(Double(value) - roundedValue) <= abs(Double(value) - other))
        }
    }
}
