import Testing
@testable import ModelExport

@Test func placeholderModuleLinks() { #expect(Bool(true)) }
