import Testing
@testable import TensorEngine

@Test func TensorEngineBuilds() { #expect(Bool(true)) }
