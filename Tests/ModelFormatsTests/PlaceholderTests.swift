import Testing
@testable import ModelFormats

@Test func ModelFormatsBuilds() { #expect(Bool(true)) }
