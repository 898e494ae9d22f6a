// The scalar type of the naive reference kernels: they are generic so that the same code runs in Float
// (as the reference for the optimised kernels) and in Double (for central-difference gradient checks).
import Foundation

/// A floating-point type the naive reference kernels can run in (`Float`, `Double`).
package protocol KernelScalar: BinaryFloatingPoint, Sendable {
    /// eˣ.
    static func exponential(_ x: Self) -> Self
    /// Natural logarithm.
    static func logarithm(_ x: Self) -> Self
    /// Cosine (radians).
    static func cosine(_ x: Self) -> Self
    /// Sine (radians).
    static func sine(_ x: Self) -> Self
}

extension Float: KernelScalar {
    package static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
    package static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
    package static func cosine(_ x: Float) -> Float { Foundation.cos(x) }
    package static func sine(_ x: Float) -> Float { Foundation.sin(x) }
}

extension Double: KernelScalar {
    package static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    package static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
    package static func cosine(_ x: Double) -> Double { Foundation.cos(x) }
    package static func sine(_ x: Double) -> Double { Foundation.sin(x) }
}
