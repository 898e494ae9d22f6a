import Testing
@testable import Trainers

@Test func trainersBuild() { #expect(Bool(true)) }
