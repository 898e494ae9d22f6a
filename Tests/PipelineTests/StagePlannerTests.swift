import Foundation
import Testing
@testable import Pipeline

@Suite struct StagePlannerTests {
    let out = URL(fileURLWithPath: "/tmp/pipeline-out")

    /// The R1 chain: cold start → SFT → GRPO → rejection sampling → SFT (from base, both sets) → GRPO → eval.
    var r1Recipe: PipelineRecipe {
        PipelineRecipe(baseModel: "base.gguf", threads: 3, stages: [
            PipelineStage(name: "cold-data", kind: .coldStart, task: "arithmetic", count: 16),
            PipelineStage(name: "cold-sft", kind: .sft, recipe: "sft.yaml", set: ["max_steps": RecipeScalar("5")]),
            PipelineStage(name: "rl1", kind: .grpo, recipe: "grpo.yaml"),
            PipelineStage(name: "rs", kind: .rejectionSampling, task: "arithmetic", args: ["-n", "4"]),
            PipelineStage(name: "sft2", kind: .sft, model: "base", data: ["cold-data", "rs"]),
            PipelineStage(name: "rl2", kind: .grpo, task: "countdown"),
            PipelineStage(name: "eval", kind: .eval, model: "rl2", task: "arithmetic"),
        ])
    }

    @Test func resolvesDefaultAndNamedReferences() throws {
        let plans = try StagePlanner(recipe: r1Recipe, outputDirectory: out).plans()
        #expect(plans.map(\.directory.lastPathComponent) == ["01-cold-data", "02-cold-sft", "03-rl1", "04-rs", "05-sft2", "06-rl2", "07-eval"])
        let coldData = out.path + "/01-cold-data/data.jsonl"
        #expect(plans[0].outputData?.path == coldData)
        #expect(plans[1].inputModel == "base.gguf")
        #expect(plans[1].inputData == [coldData])
        let sftModel = out.path + "/02-cold-sft/run/final"
        #expect(plans[1].outputModel?.path == sftModel)
        #expect(plans[2].inputModel == sftModel)
        let rl1Model = out.path + "/03-rl1/model"
        #expect(plans[3].inputModel == rl1Model)
        #expect(plans[4].inputModel == "base.gguf")
        #expect(plans[4].inputData == [coldData, out.path + "/04-rs/data.jsonl"])
        #expect(plans[5].inputModel == out.path + "/05-sft2/run/final")
        #expect(plans[6].inputModel == out.path + "/06-rl2/model")
    }

    @Test func commandLinesCarryInputsOutputsAndOverrides() throws {
        let plans = try StagePlanner(recipe: r1Recipe, outputDirectory: out).plans()
        guard case .command(let sft, let resume) = plans[1].steps[0] else { Issue.record("sft step"); return }
        #expect(sft == ["sft", "--model", "base.gguf", "--data", out.path + "/01-cold-data/data.jsonl",
                        "--output", out.path + "/02-cold-sft/run", "--threads", "3", "--recipe", "sft.yaml", "--set", "max_steps=5"])
        #expect(resume?.path == out.path + "/02-cold-sft/run/checkpoints")
        #expect(plans[2].steps.count == 2)
        guard case .command(let export, nil) = plans[2].steps[1] else { Issue.record("export step"); return }
        #expect(export.prefix(3) == ["export", "--model", out.path + "/02-cold-sft/run/final"])
        #expect(export.contains("--checkpoint") && export.contains(out.path + "/03-rl1/run"))
        guard case .command(let distill, _) = plans[3].steps[0] else { Issue.record("distill step"); return }
        #expect(distill.starts(with: ["distill", "--teacher", out.path + "/03-rl1/model", "--task", "arithmetic"]))
        #expect(distill.suffix(2) == ["-n", "4"])
        // Two data sets are concatenated before SFT reads them.
        guard case .concatenate(let inputs, let merged) = plans[4].steps[0] else { Issue.record("concatenate step"); return }
        #expect(inputs.count == 2)
        guard case .command(let sft2, _) = plans[4].steps[1] else { Issue.record("sft2 step"); return }
        #expect(sft2.contains(merged.path))
        guard case .command(let grpo2, _) = plans[5].steps[0] else { Issue.record("grpo step"); return }
        #expect(grpo2.contains("--task") && grpo2.contains("countdown"))
    }

    @Test func exportDefaultsToAHuggingFaceFolder() throws {
        let recipe = PipelineRecipe(baseModel: "b.gguf", stages: [
            PipelineStage(name: "hf", kind: .export),
            PipelineStage(name: "gguf", kind: .export, args: ["--format", "gguf", "--dtype", "q8_0"]),
        ])
        let plans = try StagePlanner(recipe: recipe, outputDirectory: out).plans()
        guard case .command(let hf, _) = plans[0].steps[0], case .command(let gguf, _) = plans[1].steps[0] else {
            Issue.record("export steps"); return
        }
        #expect(hf == ["export", "--model", "b.gguf", "--output", out.path + "/01-hf/model", "--format", "hf"])
        #expect(gguf == ["export", "--model", "b.gguf", "--output", out.path + "/02-gguf/model.gguf", "--format", "gguf", "--dtype", "q8_0"])
    }

    @Test func referenceErrorsNameTheStageAndTheChoices() throws {
        func error(_ stages: [PipelineStage]) -> PipelineError? {
            do {
                _ = try StagePlanner(recipe: PipelineRecipe(baseModel: "b", stages: stages), outputDirectory: out).plans()
                return nil
            } catch { return error as? PipelineError }
        }
        let later = error([PipelineStage(name: "s", kind: .sft, model: "rl", data: ["/nonexistent.jsonl"]),
                           PipelineStage(name: "rl", kind: .grpo)])
        #expect(later == .unknownReference(stage: "s", field: "model", reference: "rl", known: []))
        let wrongKind = error([PipelineStage(name: "d", kind: .coldStart, task: "arithmetic", count: 1),
                               PipelineStage(name: "rl", kind: .grpo, model: "d")])
        #expect(wrongKind == .wrongReferenceKind(stage: "rl", field: "model", reference: "d", expected: "a model"))
        let noData = error([PipelineStage(name: "s", kind: .sft)])
        guard case .unknownReference(let stage, let field, _, _) = noData else { Issue.record("\(String(describing: noData))"); return }
        #expect(stage == "s" && field == "data")
        let modelAsData = error([PipelineStage(name: "d", kind: .coldStart, task: "arithmetic", count: 1),
                                 PipelineStage(name: "s", kind: .sft),
                                 PipelineStage(name: "t", kind: .sft, data: ["s"])])
        #expect(modelAsData == .wrongReferenceKind(stage: "t", field: "data", reference: "s", expected: "a data set"))
    }

    @Test func fingerprintFollowsSettingsAndInputs() throws {
        let a = try StagePlanner(recipe: r1Recipe, outputDirectory: out).plans()
        var changed = r1Recipe
        changed.stages[1].set = ["max_steps": RecipeScalar("6")]
        let b = try StagePlanner(recipe: changed, outputDirectory: out).plans()
        #expect(a[0].fingerprint == b[0].fingerprint)
        #expect(a[1].fingerprint != b[1].fingerprint)
        var rebased = r1Recipe
        rebased.baseModel = "other.gguf"
        let c = try StagePlanner(recipe: rebased, outputDirectory: out).plans()
        #expect(a[1].fingerprint != c[1].fingerprint)
        #expect(a[2].fingerprint == c[2].fingerprint)  // reads cold-sft's output path, unchanged
    }
}
