import Testing
@testable import r1

@Test func cliBuilds() { #expect(Bool(true)) }
