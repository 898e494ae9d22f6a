import Testing
@testable import Models

@Test func ModelsBuilds() { #expect(Bool(true)) }
