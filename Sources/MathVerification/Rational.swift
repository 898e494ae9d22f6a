// Rational: exact fractions over attaswift/BigInt, always reduced with a positive denominator.
// Not a general numeric tower: no floats inside, conversion to Double only for sampling.
import BigInt

/// An exact rational number `numerator / denominator`, reduced, with `denominator > 0`.
public struct Rational: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Numerator (carries the sign).
    public let numerator: BigInt
    /// Denominator, always positive.
    public let denominator: BigInt

    /// Creates `numerator / denominator` reduced to lowest terms.
    /// - Precondition: `denominator != 0` (programmer error; parsers check before calling).
    public init(_ numerator: BigInt, _ denominator: BigInt = 1) {
        precondition(!denominator.isZero, "Rational with zero denominator")
        var n = numerator, d = denominator
        if d.sign == .minus { n = -n; d = -d }
        let g = n.greatestCommonDivisor(with: d)
        if g > 1 { n /= g; d /= g }
        self.numerator = n
        self.denominator = d
    }

    /// Creates an integer rational.
    public init(_ value: Int) { self.init(BigInt(value), 1) }

    /// 0.
    public static let zero = Rational(0)
    /// 1.
    public static let one = Rational(1)

    /// Parses a decimal literal such as "12", "-0.35625", ".5", "1.5e-3" exactly.
    /// - Parameter text: digits with an optional sign, decimal point and exponent (|exponent| ≤ 400).
    /// - Returns: the exact value, or `nil` when `text` is not such a literal.
    public init?(decimal text: String) {
        // Fast path: plain integers that fit in Int.
        if text.utf8.count <= 18, let v = Int(text) {
            self.init(BigInt(v), 1)
            return
        }
        var s = Substring(text)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        var exponent = 0
        if let eIndex = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let e = Int(s[s.index(after: eIndex)...]), (-400...400).contains(e) else { return nil }
            exponent = e
            s = s[..<eIndex]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !s.isEmpty, s != "." else { return nil }
        let whole = parts[0], frac = parts.count == 2 ? parts[1] : ""
        guard whole.allSatisfy(\.isASCIIDigit), frac.allSatisfy(\.isASCIIDigit) else { return nil }
        guard let digits = BigInt(String(whole.isEmpty && frac.isEmpty ? "0" : whole + frac)) else { return nil }
        let scale = frac.count - exponent
        let ten = BigInt(10)
        var value = scale >= 0 ? Rational(digits, ten.power(scale)) : Rational(digits * ten.power(-scale), 1)
        if negative { value = -value }
        self = value
    }

    /// Whether the value is 0.
    public var isZero: Bool { numerator.isZero }
    /// Whether the denominator is 1.
    public var isInteger: Bool { denominator == 1 }
    /// Whether the value is below 0.
    public var isNegative: Bool { numerator.sign == .minus && !numerator.isZero }
    /// Number of machine words in numerator and denominator: the cost unit charged to `WorkBudget`.
    public var wordCount: Int { numerator.magnitude.words.count + denominator.magnitude.words.count }

    /// The nearest `Double` (may be ±infinity or lose precision for huge values).
    public var doubleValue: Double {
        let n = Double(numerator), d = Double(denominator)
        if n.isFinite && d.isFinite { return n / d }
        // Scale both down to keep the ratio representable.
        let shift = max(numerator.magnitude.bitWidth, denominator.bitWidth) - 1000
        guard shift > 0 else { return n / d }
        return Double(numerator >> shift) / Double(denominator >> shift)
    }

    /// "n" for integers, "n/d" otherwise.
    public var description: String { isInteger ? "\(numerator)" : "\(numerator)/\(denominator)" }

    /// Negation.
    public static prefix func - (x: Rational) -> Rational { Rational(-x.numerator, x.denominator) }
    /// Exact sum.
    public static func + (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
    }
    /// Exact difference.
    public static func - (a: Rational, b: Rational) -> Rational { a + (-b) }
    /// Exact product.
    public static func * (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.numerator, a.denominator * b.denominator)
    }
    /// Division; returns `nil` when dividing by zero.
    public func divided(by b: Rational) -> Rational? {
        b.isZero ? nil : Rational(numerator * b.denominator, denominator * b.numerator)
    }
    /// The value rounded half away from zero to `places` decimal places, as a scaled integer (value · 10^places).
    public func rounded(places: Int) -> BigInt {
        let scaled = numerator * BigInt(10).power(places)
        let (q, r) = scaled.quotientAndRemainder(dividingBy: denominator)
        if (r.magnitude * 2) >= denominator.magnitude { return q + (scaled.sign == .minus ? -1 : 1) }
        return q
    }

    /// Exact order.
    public static func < (a: Rational, b: Rational) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }

    /// Integer power with a size guard.
    /// - Parameters:
    ///   - exponent: any integer; negative inverts (nil for 0^negative).
    ///   - maxBits: refuse (return nil) when the result would exceed about this many bits.
    public func power(_ exponent: Int, maxBits: Int) -> Rational? {
        if exponent == 0 { return .one }
        guard exponent > Int.min / 2 else { return nil }  // abs() must not overflow
        if isZero { return exponent > 0 ? .zero : nil }
        if numerator.magnitude == 1 && denominator == 1 {
            return isNegative && exponent % 2 != 0 ? Rational(-1) : .one
        }
        let bits = max(numerator.magnitude.bitWidth, denominator.magnitude.bitWidth)
        let product = bits.multipliedReportingOverflow(by: abs(exponent))
        if product.overflow || product.partialValue > maxBits { return nil }
        let n = numerator.power(abs(exponent)), d = denominator.power(abs(exponent))
        return exponent > 0 ? Rational(n, d) : Rational(d, n)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
