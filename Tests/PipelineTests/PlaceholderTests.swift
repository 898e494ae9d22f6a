import Testing
@testable import Pipeline

@Test func placeholderModuleLinks() { #expect(Bool(true)) }
