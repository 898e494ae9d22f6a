import Testing
@testable import MathVerification

@Test func MathVerificationBuilds() { #expect(Bool(true)) }
