import Testing
@testable import Evaluation

@Test func evaluationBuilds() { #expect(Bool(true)) }
