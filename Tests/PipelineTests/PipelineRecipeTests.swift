import Foundation
import Testing
@testable import Pipeline

@Suite struct PipelineRecipeTests {
    func write(_ text: String) throws -> URL {
        let url = try temporaryDirectory().appendingPathComponent("recipe.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func parsesStagesWithScalarOverrides() throws {
        let url = try write("""
        base_model: base.gguf
        stages:
          - {name: cold, kind: cold_start, task: arithmetic, count: 8, parameters: {digits: 1, operations: "*"}}
          - name: sft1
            kind: sft
            set: {learning_rate: 2.0e-5, packing: true, max_steps: 30}
          - {name: rl, kind: grpo, recipe: r.yaml, args: ["--task", "arithmetic"]}
        """)
        let recipe = try PipelineRecipe.load(url)
        #expect(recipe.baseModel == "base.gguf")
        #expect(recipe.threads == 2)
        #expect(recipe.stages.map(\.kind) == [.coldStart, .sft, .grpo])
        #expect(recipe.stages[1].set?["learning_rate"]?.text == "2e-05")
        #expect(recipe.stages[1].set?["packing"]?.text == "true")
        #expect(recipe.stages[1].set?["max_steps"]?.text == "30")
        #expect(recipe.stages[0].parameters?["digits"]?.text == "1")
        #expect(recipe.stages[2].args == ["--task", "arithmetic"])
    }

    @Test func overrideReplacesBaseModel() throws {
        let url = try write("base_model: a.gguf\nstages:\n  - {name: s, kind: sft}\n")
        #expect(try PipelineRecipe.load(url, baseModelOverride: "b").baseModel == "b")
    }

    @Test(arguments: [
        ("base_model: a\nstages: []\n", "stages is empty"),
        ("base_model: a\nstages:\n  - {name: x, kind: sft}\n  - {name: x, kind: grpo}\n", "two stages are named 'x'"),
        ("base_model: a\nstages:\n  - {name: c, kind: cold_start, task: arithmetic}\n", "needs count > 0"),
        ("base_model: a\nstages:\n  - {name: e, kind: eval}\n", "needs a task"),
        ("base_model: a\nstages:\n  - {name: 'a/b', kind: sft}\n", "must be non-empty letters"),
        ("base_model: a\nthreads: 0\nstages:\n  - {name: s, kind: sft}\n", "threads must be ≥ 1"),
    ])
    func rejectsInvalidRecipes(text: String, message: String) throws {
        let url = try write(text)
        do {
            _ = try PipelineRecipe.load(url)
            Issue.record("expected an error containing \(message)")
        } catch let error as PipelineError {
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.contains(url.path))
        }
    }

    @Test func unknownKindNamesTheField() throws {
        let url = try write("base_model: a\nstages:\n  - {name: s, kind: pretrain}\n")
        do {
            _ = try PipelineRecipe.load(url)
            Issue.record("expected an error")
        } catch let error as PipelineError {
            guard case .unreadableRecipe(let path, let reason) = error else { Issue.record("\(error)"); return }
            #expect(path == url.path)
            #expect(reason.contains("stages"), "\(reason)")
        }
    }

    @Test func shippedRecipesParseAndPlan() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["Recipes/pipeline-quick.yaml", "Recipes/pipeline-smollm2.yaml", "Fixtures/pipeline/smoke.yaml"] {
            let recipe = try PipelineRecipe.load(root.appendingPathComponent(name), baseModelOverride: "model.gguf")
            let plans = try StagePlanner(recipe: recipe, outputDirectory: URL(fileURLWithPath: "/tmp/out")).plans()
            let kinds = Set(plans.map(\.stage.kind))
            #expect(kinds.isSuperset(of: [.coldStart, .sft, .grpo, .rejectionSampling, .eval]), "\(name)")
            for plan in plans {
                for case .command(let arguments, _) in plan.steps {
                    for recipeIndex in arguments.indices where arguments[recipeIndex] == "--recipe" {
                        let path = root.appendingPathComponent(arguments[recipeIndex + 1]).path
                        #expect(FileManager.default.fileExists(atPath: path), "\(name): \(plan.stage.name) names \(path)")
                    }
                }
            }
        }
    }
}
