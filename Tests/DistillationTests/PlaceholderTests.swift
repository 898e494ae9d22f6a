import Testing
@testable import Distillation

@Test func placeholderModuleLinks() { #expect(Bool(true)) }
