// GRPORecipe: `run:` + `grpo:` recipe files, overrides, and the shipped recipes.
import Foundation
import Testing
import Training
@testable import Trainers

@Suite struct GRPORecipeTests {
    @Test func splitsRunSettingsFromGRPOKeys() throws {
        let directory = TinyGRPO.temporaryDirectory("recipe")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("r.yaml")
        try """
        # a recipe
        run:
          model: "models/x.gguf"
          task: arithmetic   # comment
          task_digits: 1
          task_operations: "*"
          instruction: 'Answer with the number.'
        grpo:
          learning_rate: 2.0e-6
          num_generations: 4
          per_device_train_batch_size: 8
          gradient_accumulation_steps: 2
          beta: 0.01
        """.write(to: url, atomically: true, encoding: .utf8)
        let recipe = try GRPORecipe.load(recipe: url, overrides: ["run.task_digits=2", "beta=0.02"])
        #expect(recipe.settings.model == "models/x.gguf")
        #expect(recipe.settings.task == "arithmetic")
        #expect(recipe.settings.taskDigits == 2)
        #expect(recipe.settings.taskOperations == "*")
        #expect(recipe.settings.instruction == "Answer with the number.")
        #expect(recipe.configuration.learningRate == 2e-6)
        #expect(recipe.configuration.numGenerations == 4)
        #expect(recipe.configuration.beta == 0.02)
    }

    @Test func unknownRunKeyIsAnError() throws {
        #expect(throws: GRPORunError.self) { try GRPORecipe.load(recipe: nil, overrides: ["run.modle=x"]) }
        #expect(throws: TrainingError.self) { try GRPORecipe.load(recipe: nil, overrides: ["learning_rat=1"]) }
        #expect(throws: GRPORunError.self) { try GRPORecipe.load(recipe: nil, overrides: ["run.prompt_style=jinja"]) }
    }

    /// The recipes shipped in Recipes/ load and validate.
    @Test(arguments: ["smollm2-arithmetic.yaml", "tiny-arithmetic.yaml"])
    func shippedRecipesLoad(name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let recipe = try GRPORecipe.load(recipe: root.appendingPathComponent("Recipes/\(name)"))
        #expect(recipe.settings.task == "arithmetic")
        #expect(recipe.configuration.maxSteps >= 1)
        let task = try GRPORunSetup.task(recipe.settings, registry: GRPORunSetup.registry())
        #expect(task.name == "arithmetic")
    }
}
