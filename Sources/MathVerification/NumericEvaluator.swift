// NumericEvaluator: evaluates a MathExpression in double-precision complex arithmetic at given symbol
// values. Used for randomized equivalence testing when CanonicalForm cannot decide. Principal branches
// throughout (as SymPy uses); it is not an arbitrary-precision evaluator.
import Foundation

/// A double-precision complex number (just what sampling needs).
struct Complex: Equatable, Sendable {
    var re: Double
    var im: Double

    init(_ re: Double, _ im: Double = 0) { self.re = re; self.im = im }

    static let nan = Complex(.nan, .nan)
    var isFinite: Bool { re.isFinite && im.isFinite }
    var magnitude: Double { hypot(re, im) }
    var isReal: Bool { abs(im) <= 1e-12 * max(1, abs(re)) }

    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static func * (a: Complex, b: Complex) -> Complex {
        if a.im == 0 && b.im == 0 { return Complex(a.re * b.re) }
        return Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    static func / (a: Complex, b: Complex) -> Complex {
        if a.im == 0 && b.im == 0 { return Complex(a.re / b.re) }
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
    static func exp(_ z: Complex) -> Complex {
        let m = Foundation.exp(z.re)
        return z.im == 0 ? Complex(m) : Complex(m * cos(z.im), m * sin(z.im))
    }
    static func log(_ z: Complex) -> Complex {
        if z.im == 0 && z.re > 0 { return Complex(Foundation.log(z.re)) }
        return Complex(Foundation.log(z.magnitude), atan2(z.im, z.re))
    }
    static func pow(_ a: Complex, _ b: Complex) -> Complex {
        if b.im == 0, b.re == b.re.rounded(), abs(b.re) <= 64 {
            // Integer powers by repeated squaring: exact sign for negative real bases.
            var n = Int(abs(b.re))
            var result = Complex(1)
            var base = a
            while n > 0 {
                if n & 1 == 1 { result = result * base }
                base = base * base
                n >>= 1
            }
            return b.re < 0 ? Complex(1) / result : result
        }
        if a.im == 0 && b.im == 0 && a.re >= 0 { return Complex(Foundation.pow(a.re, b.re)) }
        if a.re == 0 && a.im == 0 { return Complex(0) }
        return exp(b * log(a))
    }
}

enum NumericEvaluator {
    /// Evaluates `e` with `values` for its free symbols. Returns NaN components where undefined.
    static func evaluate(_ e: MathExpression, _ values: [String: Complex], budget: WorkBudget) throws(MathVerificationError) -> Complex {
        try budget.spend(1, stage: "numeric evaluation")
        switch e {
        case let .number(r): return Complex(r.doubleValue)
        case let .symbol(s): return values[s] ?? .nan
        case let .constant(c):
            switch c {
            case .pi: return Complex(Double.pi)
            case .e: return Complex(M_E)
            case .i: return Complex(0, 1)
            case .infinity: return Complex(.infinity)
            }
        case let .sum(xs):
            var acc = Complex(0)
            for x in xs { acc = acc + (try evaluate(x, values, budget: budget)) }
            return acc
        case let .product(xs):
            var acc = Complex(1)
            for x in xs { acc = acc * (try evaluate(x, values, budget: budget)) }
            return acc
        case let .power(b, x):
            return Complex.pow(try evaluate(b, values, budget: budget), try evaluate(x, values, budget: budget))
        case let .factorial(x):
            let v = try evaluate(x, values, budget: budget)
            guard v.isReal, v.re > -1 else { return .nan }
            return Complex(tgamma(v.re + 1))
        case let .function(name, args):
            var vs: [Complex] = []
            for a in args { vs.append(try evaluate(a, values, budget: budget)) }
            return apply(name, vs)
        }
    }

    private static func apply(_ name: String, _ v: [Complex]) -> Complex {
        guard let z = v.first else { return .nan }
        let real = z.isReal ? z.re : Double.nan
        switch name {
        case "sin": return z.im == 0 ? Complex(sin(z.re)) : (Complex.exp(Complex(0, 1) * z) - Complex.exp(Complex(0, -1) * z)) / Complex(0, 2)
        case "cos": return z.im == 0 ? Complex(cos(z.re)) : (Complex.exp(Complex(0, 1) * z) + Complex.exp(Complex(0, -1) * z)) / Complex(2)
        case "tan": return apply("sin", v) / apply("cos", v)
        case "cot": return apply("cos", v) / apply("sin", v)
        case "sec": return Complex(1) / apply("cos", v)
        case "csc": return Complex(1) / apply("sin", v)
        case "arcsin": return Complex(asin(real))
        case "arccos": return Complex(acos(real))
        case "arctan": return Complex(atan(real))
        case "sinh": return Complex(sinh(real))
        case "cosh": return Complex(cosh(real))
        case "tanh": return Complex(tanh(real))
        case "log", "ln": return Complex.log(z)
        case "log10": return Complex.log(z) / Complex(M_LN10)
        case "exp": return Complex.exp(z)
        case "abs": return Complex(z.magnitude)
        case "floor": return Complex(floor(real))
        case "ceil": return Complex(ceil(real))
        case "binom":
            guard v.count == 2, v[1].isReal else { return .nan }
            let n = real, k = v[1].re
            return Complex(Foundation.exp(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)).rounded(.toNearestOrEven))
        default: return .nan
        }
    }

    /// Whether two values agree within a relative tolerance (also equal infinities).
    static func close(_ a: Complex, _ b: Complex, tolerance: Double) -> Bool {
        if !a.isFinite || !b.isFinite {
            return a.re == b.re && (a.im == b.im || (a.im.isNaN && b.im.isNaN)) && !a.re.isNaN
        }
        // Relative tolerance, with an absolute floor of `tolerance` near zero (sin π ≈ 1e-16 must equal 0).
        let scale = max(1, max(a.magnitude, b.magnitude))
        return (a - b).magnitude <= tolerance * scale
    }
}
