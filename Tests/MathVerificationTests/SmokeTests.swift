import Testing
@testable import MathVerification

@Test func smoke() {
    #expect(MathVerifier().verify(gold: "\\frac{1}{2}", prediction: "so \\boxed{0.5}").isEquivalent)
}
