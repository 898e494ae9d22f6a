import Testing

@Test func realModelPlaceholder() { #expect(Bool(true)) }
