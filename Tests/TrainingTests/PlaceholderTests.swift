import Testing
@testable import Training

@Test func TrainingBuilds() { #expect(Bool(true)) }
