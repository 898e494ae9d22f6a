// Equivalence: decides whether two AnswerValues are mathematically equal. Expressions go through exact
// simplification first (CanonicalForm: rationals and simple radicals, decisive when both sides reduce),
// then randomized numeric evaluation at several seeded points with a relative tolerance. Structures
// (tuples, sets, intervals, equations, inequalities, matrices) compare component-wise.

import Foundation

/// Outcome of comparing two values: the verdict, how it was reached, and a short reason.
struct EquivalenceOutcome: Sendable {
    var isEqual: Bool
    var method: Verification.Method
    var reason: String
}

struct Equivalence {
    let budget: WorkBudget
    let tolerance: Double
    let samplePoints: Int
    let seed: UInt64
    /// When set, rationals that agree after rounding to this many decimal places are equal (a written
    /// decimal such as 0.333333 for 1/3). MathVerifier sets it only when an answer has that many decimals.
    var roundingPlaces: Int? = nil

    func compare(_ a: AnswerValue, _ b: AnswerValue) throws(MathVerificationError) -> EquivalenceOutcome {
        try budget.spend(1, stage: "compare")
        switch (a, b) {
        case let (.expression(x), .expression(y)):
            return try expressions(x, y)
        case let (.text(x), .text(y)):
            let eq = textKey(x) == textKey(y)
            return EquivalenceOutcome(isEqual: eq, method: .string, reason: eq ? "same text" : "different text")
        case let (.tuple(xs), .tuple(ys)):
            return try ordered(xs, ys, what: "tuple")
        case let (.set(xs), .set(ys)), let (.union(xs), .union(ys)):
            return try unordered(xs, ys)
        case let (.interval(l1, u1, lc1, uc1), .interval(l2, u2, lc2, uc2)):
            guard lc1 == lc2, uc1 == uc2 else { return structural(false, "interval ends differ (open vs closed)") }
            return try ordered([.expression(l1), .expression(u1)], [.expression(l2), .expression(u2)], what: "interval")
        case let (.interval(l, u, false, false), .tuple(ys)) where ys.count == 2,
             let (.tuple(ys), .interval(l, u, false, false)) where ys.count == 2:
            return try ordered([.expression(l), .expression(u)], ys, what: "open interval / point")
        case let (.equation(l1, r1), .equation(l2, r2)):
            if try expressions(l1, l2).isEqual, try expressions(r1, r2).isEqual { return structural(true, "same equation") }
            if try expressions(l1, r2).isEqual, try expressions(r1, l2).isEqual { return structural(true, "same equation, sides swapped") }
            let d1 = MathExpression.sum([l1, .negated(r1)]), d2 = MathExpression.sum([l2, .negated(r2)])
            if try expressions(d1, d2).isEqual { return structural(true, "lhs − rhs agree") }
            if try expressions(d1, .negated(d2)).isEqual { return structural(true, "lhs − rhs agree up to sign") }
            return structural(false, "equations differ")
        case let (.equation(l, r), .expression(y)), let (.expression(y), .equation(l, r)):
            if case .symbol = l { return try expressions(r, y) }
            if case .symbol = r { return try expressions(l, y) }
            return structural(false, "equation vs expression")
        case let (.equation(l, r), other), let (other, .equation(l, r)):
            if case .symbol = l, case .text = other { return structural(false, "equation vs text") }
            _ = r
            return structural(false, "equation vs \(other.kind)")
        case let (.inequality(l, r, strict), .interval(lo, hi, lc, uc)), let (.interval(lo, hi, lc, uc), .inequality(l, r, strict)):
            // x < r is (-∞, r); l < x is (l, ∞) (closed ends for ≤).
            let infinity = MathExpression.constant(.infinity)
            if case .symbol = l {
                return try compare(.interval(lower: .negated(infinity), upper: r, lowerClosed: false, upperClosed: !strict), .interval(lower: lo, upper: hi, lowerClosed: lc, upperClosed: uc))
            }
            if case .symbol = r {
                return try compare(.interval(lower: l, upper: infinity, lowerClosed: !strict, upperClosed: false), .interval(lower: lo, upper: hi, lowerClosed: lc, upperClosed: uc))
            }
            return structural(false, "inequality vs interval")
        case let (.tuple(xs), .set(ys)), let (.set(ys), .tuple(xs)):
            // "(2, 3)" vs "2, 3": math-verify accepts a bare list for a tuple in the same order.
            return try ordered(xs, ys, what: "tuple / list")
        case let (.inequality(l1, r1, s1), .inequality(l2, r2, s2)):
            guard s1 == s2 else { return structural(false, "strict vs non-strict inequality") }
            if try expressions(l1, l2).isEqual, try expressions(r1, r2).isEqual { return structural(true, "same inequality") }
            return structural(false, "inequalities differ")
        case let (.matrix(m1), .matrix(m2)):
            guard m1.count == m2.count, m1.first?.count == m2.first?.count else { return structural(false, "matrix shapes differ") }
            for (r1, r2) in zip(m1, m2) {
                for (x, y) in zip(r1, r2) where try !expressions(x, y).isEqual { return structural(false, "matrix entries differ") }
            }
            return structural(true, "equal matrices")
        case let (.matrix(m), .tuple(ys)), let (.tuple(ys), .matrix(m)):
            let flat = m.count == 1 ? m[0] : (m.allSatisfy { $0.count == 1 } ? m.map { $0[0] } : [])
            guard !flat.isEmpty else { return structural(false, "matrix vs tuple") }
            return try ordered(flat.map { .expression($0) }, ys, what: "vector")
        default:
            return structural(false, "\(a.kind) vs \(b.kind)")
        }
    }

    private func structural(_ eq: Bool, _ reason: String) -> EquivalenceOutcome {
        EquivalenceOutcome(isEqual: eq, method: .structural, reason: reason)
    }

    private func ordered(_ xs: [AnswerValue], _ ys: [AnswerValue], what: String) throws(MathVerificationError) -> EquivalenceOutcome {
        guard xs.count == ys.count else { return structural(false, "\(what) sizes differ (\(xs.count) vs \(ys.count))") }
        for (k, (x, y)) in zip(xs, ys).enumerated() where try !compare(x, y).isEqual {
            return structural(false, "\(what) component \(k + 1) differs")
        }
        return structural(true, "\(what) components equal")
    }

    private func unordered(_ xs: [AnswerValue], _ ys: [AnswerValue]) throws(MathVerificationError) -> EquivalenceOutcome {
        guard xs.count == ys.count else { return structural(false, "sets have \(xs.count) vs \(ys.count) elements") }
        var used = Array(repeating: false, count: ys.count)
        for x in xs {
            var found = false
            for (j, y) in ys.enumerated() where !used[j] {
                if try compare(x, y).isEqual { used[j] = true; found = true; break }
            }
            if !found { return structural(false, "an element has no match") }
        }
        return structural(true, "same elements in any order")
    }

    func textKey(_ s: String) -> String {
        String(s.lowercased().filter { !$0.isWhitespace && $0 != "{" && $0 != "}" && $0 != "\\" })
    }

    /// Expression equality: exact forms first, sampling otherwise.
    func expressions(_ x: MathExpression, _ y: MathExpression) throws(MathVerificationError) -> EquivalenceOutcome {
        if x == y {
            if case .number = x { return EquivalenceOutcome(isEqual: true, method: .exactRational, reason: "same number") }
            return EquivalenceOutcome(isEqual: true, method: .symbolic, reason: "identical expressions")
        }
        if let fx = try CanonicalForm.make(x, budget: budget), let fy = try CanonicalForm.make(y, budget: budget) {
            let eq = fx == fy
            if let rx = fx.rationalValue, let ry = fy.rationalValue {
                if !eq, let places = roundingPlaces, rx.rounded(places: places) == ry.rounded(places: places) {
                    return EquivalenceOutcome(isEqual: true, method: .exactRational, reason: "\(rx) and \(ry) agree to \(places) decimal places")
                }
                return EquivalenceOutcome(isEqual: eq, method: .exactRational, reason: "\(rx) \(eq ? "=" : "≠") \(ry)")
            }
            if !eq, let rounded = try roundedNumeric(x, y) { return rounded }
            return EquivalenceOutcome(isEqual: eq, method: .symbolic, reason: eq ? "same simplified form" : "different simplified forms")
        }
        let outcome = try sampled(x, y)
        if !outcome.isEqual, let rounded = try roundedNumeric(x, y) { return rounded }
        return outcome
    }

    /// With `roundingPlaces` set, constant expressions whose values agree after rounding to that many decimals
    /// (√2 written as 1.41421356) are equal. Returns nil when rounding does not apply.
    private func roundedNumeric(_ x: MathExpression, _ y: MathExpression) throws(MathVerificationError) -> EquivalenceOutcome? {
        guard let places = roundingPlaces, places <= 12, x.freeSymbols.isEmpty, y.freeSymbols.isEmpty else { return nil }
        let vx = try NumericEvaluator.evaluate(x, [:], budget: budget), vy = try NumericEvaluator.evaluate(y, [:], budget: budget)
        guard vx.isFinite, vy.isFinite, vx.isReal, vy.isReal else { return nil }
        let scale = pow(10.0, Double(places))
        guard (vx.re * scale).rounded() == (vy.re * scale).rounded() else { return nil }
        return EquivalenceOutcome(isEqual: true, method: .numericSampling, reason: "values agree to \(places) decimal places")
    }

    private func sampled(_ x: MathExpression, _ y: MathExpression) throws(MathVerificationError) -> EquivalenceOutcome {
        let symbols = Array(Set(x.freeSymbols + y.freeSymbols)).sorted()
        var rng = SplitMix64(seed: seed)
        // Overflowed values (10^{10^{10}} → inf) carry no information; only a written ∞ may evaluate to infinity.
        let xInfinite = x.containsInfinity, yInfinite = y.containsInfinity
        let points = symbols.isEmpty ? 1 : samplePoints
        var checked = 0
        for _ in 0..<points {
            var values: [String: Complex] = [:]
            for s in symbols { values[s] = Complex(0.5 + 2.0 * rng.nextUnit()) }
            let vx = try NumericEvaluator.evaluate(x, values, budget: budget)
            let vy = try NumericEvaluator.evaluate(y, values, budget: budget)
            let nx = vx.re.isNaN || vx.im.isNaN || (!vx.isFinite && !xInfinite)
            let ny = vy.re.isNaN || vy.im.isNaN || (!vy.isFinite && !yInfinite)
            if nx && ny { continue }
            if nx != ny || !NumericEvaluator.close(vx, vy, tolerance: tolerance) {
                return EquivalenceOutcome(isEqual: false, method: .numericSampling, reason: "values differ at a sample point")
            }
            checked += 1
        }
        guard checked > 0 else { return EquivalenceOutcome(isEqual: false, method: .numericSampling, reason: "not evaluable at any sample point") }
        return EquivalenceOutcome(isEqual: true, method: .numericSampling, reason: "equal at \(checked) sample point(s) within relative tolerance \(tolerance)")
    }
}

/// Small deterministic generator (SplitMix64) so sampling never touches global random state.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
