import Testing
@testable import Tokenizers

@Test func TokenizersBuilds() { #expect(Bool(true)) }
