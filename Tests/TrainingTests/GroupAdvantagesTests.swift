// GroupAdvantagesTests.swift — advantages and reward combination against the numpy reference.

import Foundation
import Testing
@testable import Training

@Suite struct GroupAdvantagesTests {
    @Test(arguments: RewardScaling.allCases)
    func matchesReference(scaling: RewardScaling) throws {
        let fixture = try #require(try TrainingFixtures.json("grpo_reference.json")["advantages"] as? [String: Any])
        let perFunction = try #require(fixture["per_function"] as? [[Any]]).map { row in
            row.map { ($0 as? NSNumber)?.doubleValue }
        }
        let total = GroupAdvantages.combine(perFunction, weights: doubles(fixture["weights"]))
        #expect(closeness(total, doubles(fixture["total"])) <= 1)
        let result = GroupAdvantages.compute(rewards: total, groupSize: 4, scaling: scaling)
        #expect(closeness(result.advantages, doubles(fixture[scaling.rawValue]), rtol: 1e-10, atol: 1e-12) <= 1)
        #expect(abs(result.zeroStandardDeviationFraction - number(fixture["zero_std_fraction"])) < 1e-12)
    }

    @Test func handComputedGroup() {
        // Rewards 1, 0, 0, 1: mean 0.5, unbiased std √(4·0.25/3) = 0.57735; Â = ±0.5 / (0.57735 + 1e-4).
        let result = GroupAdvantages.compute(rewards: [1, 0, 0, 1], groupSize: 4, scaling: .group)
        let expected = 0.5 / ((1.0 / 3.0).squareRoot() + 1e-4)
        #expect(abs(result.advantages[0] - expected) < 1e-12)
        #expect(abs(result.advantages[1] + expected) < 1e-12)
        #expect(result.groupMeans == [0.5])
    }

    @Test func uniformGroupHasZeroAdvantage() {
        let result = GroupAdvantages.compute(rewards: [1, 1, 1, 0.5, 0, 1], groupSize: 3, scaling: .group)
        #expect(result.advantages[0...2].allSatisfy { $0 == 0 })
        #expect(result.zeroStandardDeviationFraction == 0.5)
    }
}
