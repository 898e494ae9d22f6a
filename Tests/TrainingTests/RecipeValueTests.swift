// RecipeValueTests.swift — override parsing, error message texts, and edge cases of clipping.

import Foundation
import Testing
@testable import Training

@Suite struct RecipeValueTests {
    @Test func overrideTextParsing() {
        #expect(RecipeValue(overrideText: "[a, 'b' , \"c\"]") == .list([.string("a"), .string("b"), .string("c")]))
        #expect(RecipeValue(overrideText: "1,0.5") == .list([.string("1"), .string("0.5")]))
        #expect(RecipeValue(overrideText: " none ") == .null)
        #expect(RecipeValue(overrideText: "[]") == .list([]))
        #expect(RecipeValue(overrideText: "'3e-6'") == .string("3e-6"))
    }

    @Test func nullClearsOptionalFields() throws {
        var c = GRPOConfiguration()
        try c.apply(overrides: ["epsilon_high=0.28", "epsilon_high=null", "reward_weights=[1,2]", "reward_weights=~"])
        #expect(c.epsilonHigh == nil && c.rewardWeights == nil)
    }

    @Test func errorMessages() {
        #expect(TrainingError.invalidConfiguration(field: "beta", value: "-1", fix: "use 0").description
            == "invalid configuration: beta = -1; use 0")
        #expect(TrainingError.corruptCheckpoint(path: "/r/step-1", reason: "manifest.json is missing").description
            == "checkpoint /r/step-1 is unusable: manifest.json is missing; resume from an earlier checkpoint")
        #expect(TrainingError.malformedOverride("beta").description
            == "malformed override 'beta': expected key=value, e.g. learning_rate=3e-6")
        #expect(TrainingError.unsupportedCheckpointVersion(path: "c", found: 2, supported: 1).description
            == "checkpoint c has format version 2 but this build reads version 1; use the r1 build that wrote it")
    }

    @Test func unreadableRecipe() throws {
        #expect(throws: TrainingError.self) {
            try GRPOConfiguration.load(recipe: URL(fileURLWithPath: "/nonexistent/recipe.yaml"))
        }
        var c = GRPOConfiguration()
        #expect(throws: TrainingError.unreadableRecipe(path: "r.yaml", reason: "the top level must be a mapping of key: value")) {
            try c.apply(recipeText: "- a\n- b\n", format: .yaml, source: "r.yaml")
        }
        #expect(throws: TrainingError.unreadableRecipe(path: "r.toml", reason: "line 2: only a [grpo] table is supported")) {
            try c.apply(recipeText: "beta = 0.1\n[model]\n", format: .toml, source: "r.toml")
        }
    }

    @Test func clippingWithNonFiniteGradientsReportsAndDoesNotScale() {
        var g: [Float] = [1, .nan, 2]
        let norm = g.withUnsafeMutableBufferPointer { GradientClipping.clip([$0], maxNorm: 1) }
        #expect(norm.isNaN)
        #expect(g[0] == 1 && g[2] == 2)
        var small: [Float] = [0.3, 0.4]
        let n = small.withUnsafeMutableBufferPointer { GradientClipping.clip([$0], maxNorm: 1) }
        #expect(abs(n - 0.5) < 1e-7 && small == [0.3, 0.4])  // below the limit: untouched
    }

    @Test func schedulePastTheEnd() {
        let linear = LearningRateSchedule(type: .linear, peak: 1, warmupSteps: 0, totalSteps: 10)
        #expect(linear.learningRate(step: 12) == 0)
        let constant = LearningRateSchedule(type: .constant, peak: 3e-6, warmupSteps: 5, totalSteps: 10)
        #expect(constant.learningRate(step: 0) == 3e-6)  // `constant` ignores warmup, as in Hugging Face
    }
}
