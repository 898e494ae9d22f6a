import Testing
@testable import Generation

@Test func GenerationBuilds() { #expect(Bool(true)) }
