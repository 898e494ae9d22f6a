import Testing
@testable import Sandbox

@Test func SandboxBuilds() { #expect(Bool(true)) }
