// CanonicalForm: exact simplification of a MathExpression into a sum of monomials with rational
// coefficients, square-free square roots (negative radicands encode i) and integer powers of atoms
// (symbols, π, e). Two expressions that both reduce are equal iff their forms are equal, because
// √p for distinct square-free p are linearly independent over ℚ and π, e are treated as independent
// transcendentals. Anything outside this fragment (functions, symbolic exponents, division by a sum,
// cube roots of non-cubes) returns nil and is left to NumericEvaluator.
import BigInt

/// A monomial key: `√radicand · Π atom^exponent` (radicand square-free; 1 means no root).
struct Monomial: Hashable, Sendable {
    var radicand: BigInt
    var atoms: [AtomPower]

    struct AtomPower: Hashable, Sendable {
        var name: String
        var exponent: Int
    }

    static let one = Monomial(radicand: 1, atoms: [])
}

/// Exact polynomial-with-radicals form of an expression.
struct CanonicalForm: Equatable, Sendable {
    var terms: [Monomial: Rational]

    static func constant(_ r: Rational) -> CanonicalForm { CanonicalForm(terms: r.isZero ? [:] : [.one: r]) }

    /// The value when the form is a plain rational number.
    var rationalValue: Rational? {
        if terms.isEmpty { return .zero }
        if terms.count == 1, let c = terms[.one] { return c }
        return nil
    }

    /// Converts `e`, or returns nil when it leaves the supported fragment.
    /// - Throws: `MathVerificationError.budgetExceeded`.
    static func make(_ e: MathExpression, budget: WorkBudget) throws(MathVerificationError) -> CanonicalForm? {
        var builder = Builder(budget: budget)
        return try builder.convert(e)
    }

    private struct Builder {
        let budget: WorkBudget
        static let maxBits = 4096
        static let maxTerms = 200

        mutating func convert(_ e: MathExpression) throws(MathVerificationError) -> CanonicalForm? {
            try budget.spend(1, stage: "simplify")
            switch e {
            case let .number(r): return .constant(r)
            case let .symbol(s): return CanonicalForm(terms: [Monomial(radicand: 1, atoms: [.init(name: s, exponent: 1)]): .one])
            case let .constant(c):
                switch c {
                case .pi: return CanonicalForm(terms: [Monomial(radicand: 1, atoms: [.init(name: "π", exponent: 1)]): .one])
                case .e: return CanonicalForm(terms: [Monomial(radicand: 1, atoms: [.init(name: "ℯ", exponent: 1)]): .one])
                case .i: return CanonicalForm(terms: [Monomial(radicand: -1, atoms: []): .one])
                case .infinity: return nil
                }
            case let .sum(xs):
                var acc = CanonicalForm(terms: [:])
                for x in xs {
                    guard let f = try convert(x) else { return nil }
                    acc = try add(acc, f)
                }
                return acc
            case let .product(xs):
                var acc = CanonicalForm.constant(.one)
                for x in xs {
                    guard let f = try convert(x) else { return nil }
                    guard let m = try multiply(acc, f) else { return nil }
                    acc = m
                }
                return acc
            case let .power(b, x):
                guard let base = try convert(b), let ex = try convert(x), let q = ex.rationalValue else { return nil }
                return try power(base, q)
            case let .factorial(x):
                guard let f = try convert(x), let r = f.rationalValue, r.isInteger, !r.isNegative, r.numerator <= 1000 else { return nil }
                var acc = BigInt(1)
                var k = BigInt(2)
                while k <= r.numerator {
                    try budget.spend(acc.words.count, stage: "factorial")
                    acc *= k
                    k += 1
                }
                return .constant(Rational(acc, 1))
            case let .function(name, args):
                let forms = try args.map { (a) throws(MathVerificationError) -> Rational? in try convert(a)?.rationalValue }
                guard forms.allSatisfy({ $0 != nil }) else { return nil }
                let rs = forms.map { $0! }
                switch (name, rs.count) {
                case ("abs", 1): return .constant(rs[0].isNegative ? -rs[0] : rs[0])
                case ("floor", 1), ("ceil", 1):
                    let (q, rem) = rs[0].numerator.quotientAndRemainder(dividingBy: rs[0].denominator)
                    var v = q
                    if !rem.isZero {
                        if name == "floor", rs[0].isNegative { v -= 1 }
                        if name == "ceil", !rs[0].isNegative { v += 1 }
                    }
                    return .constant(Rational(v, 1))
                case ("binom", 2):
                    guard rs[0].isInteger, rs[1].isInteger, !rs[1].isNegative, rs[1].numerator <= 2000 else { return nil }
                    if rs[1] > rs[0], !rs[0].isNegative { return .constant(.zero) }
                    var acc = Rational.one
                    var j = BigInt(0)
                    while j < rs[1].numerator {
                        try budget.spend(acc.wordCount, stage: "binomial")
                        acc = acc * Rational(rs[0].numerator - j, j + 1)
                        j += 1
                    }
                    return .constant(acc)
                default: return nil
                }
            }
        }

        func add(_ a: CanonicalForm, _ b: CanonicalForm) throws(MathVerificationError) -> CanonicalForm {
            var t = a.terms
            for (m, c) in b.terms {
                try budget.spend(c.wordCount, stage: "simplify")
                let s = (t[m] ?? .zero) + c
                t[m] = s.isZero ? nil : s
            }
            return CanonicalForm(terms: t)
        }

        func multiply(_ a: CanonicalForm, _ b: CanonicalForm) throws(MathVerificationError) -> CanonicalForm? {
            guard a.terms.count * b.terms.count <= Self.maxTerms * 4 else { return nil }
            var t: [Monomial: Rational] = [:]
            for (m1, c1) in a.terms {
                for (m2, c2) in b.terms {
                    try budget.spend(c1.wordCount + c2.wordCount, stage: "simplify")
                    var (m, sign) = multiplyMonomials(m1, m2)
                    var c = c1 * c2 * Rational(sign, 1)
                    if m.radicand != 1 && m.radicand != -1, let g = squareFactor(of: m.radicand) {
                        c = c * Rational(g, 1)
                        m.radicand /= g * g
                    }
                    guard max(c.numerator.bitWidth, c.denominator.bitWidth) < Self.maxBits else { return nil }
                    let s = (t[m] ?? .zero) + c
                    t[m] = s.isZero ? nil : s
                }
            }
            guard t.count <= Self.maxTerms else { return nil }
            return CanonicalForm(terms: t)
        }

        /// Product of two keys; the returned sign is -1 when two negative radicands met (i·i = -1).
        func multiplyMonomials(_ a: Monomial, _ b: Monomial) -> (Monomial, BigInt) {
            var sign = BigInt(1)
            var r: BigInt
            if a.radicand == b.radicand {
                // √r·√r = r for r > 0, and (i√|r|)² = r for r < 0.
                sign = a.radicand
                r = 1
            } else {
                let g = BigInt(a.radicand.magnitude.greatestCommonDivisor(with: b.radicand.magnitude))
                r = (a.radicand / g) * (b.radicand / g)
                sign = g
                if a.radicand < 0 && b.radicand < 0 { sign = -sign }
            }
            var atoms: [String: Int] = [:]
            for p in a.atoms { atoms[p.name, default: 0] += p.exponent }
            for p in b.atoms { atoms[p.name, default: 0] += p.exponent }
            let list = atoms.filter { $0.value != 0 }.map { Monomial.AtomPower(name: $0.key, exponent: $0.value) }.sorted { $0.name < $1.name }
            return (Monomial(radicand: r, atoms: list), sign)
        }

        /// Largest g > 1 with g² | n when |n| is small enough to factor; nil otherwise.
        func squareFactor(of n: BigInt) -> BigInt? {
            let m = n.magnitude
            guard m.bitWidth < 40 else { return nil }
            var v = UInt64(m)
            var g: UInt64 = 1
            var p: UInt64 = 2
            while p * p <= v {
                while v % (p * p) == 0 { v /= p * p; g *= p }
                p += p == 2 ? 1 : 2
            }
            return g > 1 ? BigInt(g) : nil
        }

        mutating func power(_ base: CanonicalForm, _ q: Rational) throws(MathVerificationError) -> CanonicalForm? {
            if let r = base.rationalValue, q.isInteger {
                guard let n = Int(exactly: q.numerator), n > Int.min / 2, let p = r.power(n, maxBits: Self.maxBits) else { return nil }
                try budget.spend(p.wordCount, stage: "power")
                return .constant(p)
            }
            // Expanding powers of sums grows fast ((x+1)^64 has 65 big coefficients): beyond a small degree,
            // leave the comparison to numeric sampling.
            guard let n = Int(exactly: q.numerator), n > Int.min / 2, abs(n) <= (base.terms.count > 1 ? 12 : 64) else { return nil }
            var b = base
            if n < 0 {
                guard let inv = try invert(base) else { return nil }
                b = inv
            }
            var acc = CanonicalForm.constant(.one)
            for _ in 0..<abs(n) {
                guard let m = try multiply(acc, b) else { return nil }
                acc = m
            }
            if q.denominator == 1 { return acc }
            return try root(acc, q.denominator)
        }

        /// Inverse of a single-term form: 1/(c·√r·Πa^k) = (1/(c·r))·√r·Πa^-k.
        func invert(_ f: CanonicalForm) throws(MathVerificationError) -> CanonicalForm? {
            guard f.terms.count == 1, let (m, c) = f.terms.first else { return nil }
            guard let inv = Rational.one.divided(by: c * Rational(m.radicand, 1)) else { return nil }
            let atoms = m.atoms.map { Monomial.AtomPower(name: $0.name, exponent: -$0.exponent) }
            return CanonicalForm(terms: [Monomial(radicand: m.radicand, atoms: atoms): inv])
        }

        /// n-th root of a single-term form: square roots of rationals, or exact roots of perfect powers.
        func root(_ f: CanonicalForm, _ n: BigInt) throws(MathVerificationError) -> CanonicalForm? {
            if f.terms.isEmpty { return f }
            guard f.terms.count == 1, let (m, c) = f.terms.first, m.radicand == 1 else { return nil }
            guard let k = Int(exactly: n), k >= 2, k <= 64 else { return nil }
            guard m.atoms.allSatisfy({ $0.exponent % k == 0 }) else { return nil }
            let atoms = m.atoms.map { Monomial.AtomPower(name: $0.name, exponent: $0.exponent / k) }
            if let rn = exactRoot(c.numerator.magnitude, k), let rd = exactRoot(c.denominator.magnitude, k) {
                if !c.isNegative { return CanonicalForm(terms: [Monomial(radicand: 1, atoms: atoms): Rational(rn, rd)]) }
                if k == 2 { return CanonicalForm(terms: [Monomial(radicand: -1, atoms: atoms): Rational(rn, rd)]) }
                return nil
            }
            guard k == 2 else { return nil }
            // √(a/b) = √(a·b)/b, then pull square factors out.
            let ab = c.numerator * c.denominator
            var coefficient = Rational(1, c.denominator)
            var radicand = ab
            if let g = squareFactor(of: ab) { coefficient = coefficient * Rational(g, 1); radicand /= g * g }
            guard radicand.magnitude.bitWidth < 40 else { return nil }
            return CanonicalForm(terms: [Monomial(radicand: radicand, atoms: atoms): coefficient])
        }

        func exactRoot(_ x: BigUInt, _ k: Int) -> BigInt? {
            if x.isZero { return 0 }
            guard x.bitWidth <= Self.maxBits else { return nil }
            let d = Double(x)
            guard d.isFinite else { return nil }
            let guess = BigUInt(max(0, Foundation.pow(d, 1.0 / Double(k)).rounded()))
            for cand in [guess, guess + 1, guess > 0 ? guess - 1 : guess] where cand.power(k) == x { return BigInt(cand) }
            return nil
        }
    }
}

import Foundation
