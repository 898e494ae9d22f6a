import Foundation
import Testing
@testable import Pipeline

@Suite struct PipelineRunnerTests {
    func recipe() -> PipelineRecipe {
        PipelineRecipe(baseModel: "base.gguf", stages: [
            PipelineStage(name: "cold", kind: .coldStart, task: "arithmetic", parameters: ["digits": RecipeScalar("1")], count: 12),
            PipelineStage(name: "sft1", kind: .sft),
            PipelineStage(name: "rl1", kind: .grpo),
            PipelineStage(name: "rs", kind: .rejectionSampling, task: "arithmetic"),
            PipelineStage(name: "sft2", kind: .sft, model: "base", data: ["cold", "rs"]),
            PipelineStage(name: "eval", kind: .eval, task: "arithmetic"),
        ])
    }

    @Test func runsEveryStageInOrderAndWritesOutputs() throws {
        let out = try temporaryDirectory()
        let launcher = FakeLauncher()
        let summary = try PipelineRunner(recipe: recipe(), outputDirectory: out, launcher: launcher).run()
        #expect(summary.stages.map(\.action) == Array(repeating: "ran", count: 6))
        #expect(launcher.commands.map { $0[0] } == ["sft", "grpo", "export", "distill", "sft", "eval"])
        let lines = try String(contentsOf: out.appendingPathComponent("01-cold/data.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 12)
        let merged = try String(contentsOf: out.appendingPathComponent("05-sft2/train.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(merged.count == 13)
        let state = try PipelineState.load(from: out)
        #expect(state.stages.values.allSatisfy { $0.finished })
        #expect(!launcher.commands.contains { $0.contains("--resume") })
    }

    @Test func rerunAfterAFailureKeepsFinishedStagesAndResumesTraining() throws {
        let out = try temporaryDirectory()
        let launcher = FakeLauncher()
        launcher.failOnce = ("grpo", "03-rl1")
        let runner = PipelineRunner(recipe: recipe(), outputDirectory: out, launcher: launcher)
        do {
            _ = try runner.run()
            Issue.record("expected the grpo stage to fail")
        } catch let error as PipelineError {
            guard case .stageFailed(let stage, _, let status, let log) = error else { Issue.record("\(error)"); return }
            #expect(stage == "rl1" && status == 9)
            #expect(log.hasSuffix("03-rl1/stage.log"))
        }
        #expect(launcher.commands.map { $0[0] } == ["sft", "grpo"])
        let coldBefore = try Data(contentsOf: out.appendingPathComponent("01-cold/data.jsonl"))

        let summary = try runner.run()
        #expect(summary.stages.map(\.action) == ["kept", "kept", "ran", "ran", "ran", "ran"])
        // The interrupted GRPO run left a checkpoint: the rerun resumes it instead of starting over.
        #expect(launcher.commands[2].first == "grpo")
        #expect(launcher.commands[2].last == "--resume")
        #expect(launcher.commands.map { $0[0] } == ["sft", "grpo", "grpo", "export", "distill", "sft", "eval"])
        #expect(try Data(contentsOf: out.appendingPathComponent("01-cold/data.jsonl")) == coldBefore)

        // A third run has nothing left to do.
        let again = try runner.run()
        #expect(again.stages.allSatisfy { $0.action == "kept" })
        #expect(launcher.commands.count == 7)
    }

    @Test func changedRecipeForAFinishedStageIsRefusedUntilRedoneWithFrom() throws {
        let out = try temporaryDirectory()
        let launcher = FakeLauncher()
        _ = try PipelineRunner(recipe: recipe(), outputDirectory: out, launcher: launcher).run()
        var edited = recipe()
        edited.stages[3].args = ["-n", "16"]
        let runner = PipelineRunner(recipe: edited, outputDirectory: out, launcher: launcher)
        #expect(throws: PipelineError.recipeChanged(stage: "rs", directory: out.appendingPathComponent("04-rs", isDirectory: true).path)) {
            _ = try runner.run()
        }
        let before = launcher.commands.count
        let summary = try runner.run(from: "rs")
        #expect(summary.stages.map(\.action) == ["kept", "kept", "kept", "ran", "ran", "ran"])
        #expect(launcher.commands[before...].map { $0[0] } == ["distill", "sft", "eval"])
        // The old directories were set aside, not deleted.
        let entries = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(entries.contains { $0.hasPrefix("04-rs.redo-") })
        #expect(entries.contains { $0.hasPrefix("06-eval.redo-") })
    }

    @Test func aStageThatWritesNothingIsReported() throws {
        struct SilentLauncher: StageLauncher {
            func run(arguments: [String], log: URL) throws -> Int32 { 0 }
        }
        let out = try temporaryDirectory()
        let recipe = PipelineRecipe(baseModel: "b", stages: [PipelineStage(name: "e", kind: .eval, task: "arithmetic")])
        #expect(throws: PipelineError.missingOutput(stage: "e", path: out.appendingPathComponent("01-e/eval/report.json").path)) {
            _ = try PipelineRunner(recipe: recipe, outputDirectory: out, launcher: SilentLauncher()).run()
        }
    }

    @Test func corruptStateIsAClearError() throws {
        let out = try temporaryDirectory()
        try Data("{not json".utf8).write(to: PipelineState.url(in: out))
        do {
            _ = try PipelineRunner(recipe: recipe(), outputDirectory: out, launcher: FakeLauncher()).run()
            Issue.record("expected an error")
        } catch let error as PipelineError {
            guard case .corruptState(let path, _) = error else { Issue.record("\(error)"); return }
            #expect(path.hasSuffix("pipeline-state.json"))
        }
    }
}
