import Testing
@testable import Rewards

@Test func RewardsBuilds() { #expect(Bool(true)) }
