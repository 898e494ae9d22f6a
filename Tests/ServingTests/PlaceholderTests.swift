import Testing
@testable import Serving

@Test func placeholderModuleLinks() { #expect(Bool(true)) }
