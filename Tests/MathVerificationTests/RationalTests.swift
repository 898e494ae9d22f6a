// Exact rational arithmetic: parsing decimals, reduction, rounding, guarded powers.
import BigInt
import Testing
@testable import MathVerification

struct RationalTests {
    @Test(arguments: [
        ("12", 12, 1), ("-0.35625", -57, 160), (".5", 1, 2), ("1.5e-3", 3, 2000), ("2E3", 2000, 1), ("+7", 7, 1), ("0.0000672", 21, 312500),
    ])
    func parsesDecimals(text: String, numerator: Int, denominator: Int) throws {
        let r = try #require(Rational(decimal: text))
        #expect(r == Rational(BigInt(numerator), BigInt(denominator)))
    }

    @Test(arguments: ["", ".", "1.2.3", "abc", "1e999", "--1", "1e-9223372036854775808", "1e9223372036854775807"])
    func rejectsNonDecimals(text: String) {
        #expect(Rational(decimal: text) == nil)
    }

    @Test func arithmeticIsExactAndReduced() throws {
        let a = Rational(BigInt(1), BigInt(3)), b = Rational(BigInt(1), BigInt(6))
        #expect(a + b == Rational(BigInt(1), BigInt(2)))
        #expect((a * b).description == "1/18")
        #expect(Rational(BigInt(4), BigInt(-8)).description == "-1/2")
        #expect(a.divided(by: .zero) == nil)
        #expect(try #require(a.divided(by: b)) == Rational(2))
    }

    @Test func roundingHalfAwayFromZero() {
        #expect(Rational(BigInt(1), BigInt(3)).rounded(places: 6) == BigInt(333_333))
        #expect(Rational(BigInt(2), BigInt(3)).rounded(places: 2) == BigInt(67))
        #expect(Rational(BigInt(-1), BigInt(8)).rounded(places: 2) == BigInt(-13))
    }

    @Test func powerRefusesHugeResults() {
        #expect(Rational(10).power(3, maxBits: 4096) == Rational(1000))
        #expect(Rational(2).power(-2, maxBits: 4096) == Rational(BigInt(1), BigInt(4)))
        #expect(Rational(10).power(10_000_000_000, maxBits: 4096) == nil)
        #expect(Rational(1).power(1_000_000_000, maxBits: 4096) == Rational(1))
        #expect(Rational.zero.power(-1, maxBits: 64) == nil)
    }
}
