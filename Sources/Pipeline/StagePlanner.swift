// StagePlanner.swift — resolves every stage's model/data references and turns it into `r1` command lines.

import Foundation

/// Turns a recipe into stage plans.
///
/// References: `model: base` is the recipe's base model; `model: NAME` / `data: [NAME]` name an earlier stage
/// of the right kind; anything else is a path that must exist. Defaults: a stage reads the latest model
/// written before it (or the base) and, for SFT, the latest data set written before it.
public struct StagePlanner: Sendable {
    /// The recipe.
    public var recipe: PipelineRecipe
    /// Where stage directories go.
    public var outputDirectory: URL

    /// Creates a planner.
    public init(recipe: PipelineRecipe, outputDirectory: URL) {
        self.recipe = recipe
        self.outputDirectory = outputDirectory
    }

    /// The stage directory name: `NN-name`.
    static func directoryName(index: Int, name: String) -> String { String(format: "%02d-", index + 1) + name }

    /// Resolves all stages.
    /// - Returns: one plan per stage, in order.
    /// - Throws: `PipelineError.unknownReference` / `.wrongReferenceKind` for bad references.
    public func plans() throws -> [StagePlan] {
        var plans: [StagePlan] = []
        var latestModel = recipe.baseModel
        var latestData: String?
        var byName: [String: StagePlan] = [:]
        for (index, stage) in recipe.stages.enumerated() {
            let directory = outputDirectory.appendingPathComponent(Self.directoryName(index: index, name: stage.name), isDirectory: true)
            let known = plans.map(\.stage.name)
            func model(_ reference: String?) throws -> String {
                guard let reference else { return latestModel }
                if reference == "base" { return recipe.baseModel }
                if let earlier = byName[reference] {
                    guard let url = earlier.outputModel else {
                        throw PipelineError.wrongReferenceKind(stage: stage.name, field: "model", reference: reference, expected: "a model")
                    }
                    return url.path
                }
                guard FileManager.default.fileExists(atPath: reference) else {
                    throw PipelineError.unknownReference(stage: stage.name, field: "model", reference: reference, known: known)
                }
                return reference
            }
            func data() throws -> [String] {
                guard let references = stage.data else {
                    guard let latestData else {
                        throw PipelineError.unknownReference(stage: stage.name, field: "data", reference: "(default: the latest data stage)", known: known)
                    }
                    return [latestData]
                }
                return try references.map { reference in
                    if let earlier = byName[reference] {
                        guard let url = earlier.outputData else {
                            throw PipelineError.wrongReferenceKind(stage: stage.name, field: "data", reference: reference, expected: "a data set")
                        }
                        return url.path
                    }
                    guard FileManager.default.fileExists(atPath: reference) else {
                        throw PipelineError.unknownReference(stage: stage.name, field: "data", reference: reference, known: known)
                    }
                    return reference
                }
            }
            var plan = StagePlan(index: index, stage: stage, directory: directory, inputModel: nil, inputData: [],
                                 outputModel: nil, outputData: nil, outputReport: nil, steps: [])
            let threads = ["--threads", String(recipe.threads)]
            let passThrough = (stage.recipe.map { ["--recipe", $0] } ?? [])
                + (stage.set ?? [:]).sorted { $0.key < $1.key }.flatMap { ["--set", "\($0.key)=\($0.value.text)"] }
                + (stage.args ?? [])
            switch stage.kind {
            case .coldStart:
                let output = directory.appendingPathComponent("data.jsonl")
                var parameters: [String: String] = [:]
                for (key, value) in stage.parameters ?? [:] { parameters[key] = value.text }
                let writer = ColdStartWriter(task: stage.task ?? "", parameters: parameters, instruction: stage.instruction,
                                             count: stage.count ?? 0, seed: stage.seed ?? 1)
                plan.outputData = output
                plan.steps = [.coldStart(writer, output: output)]
            case .sft:
                let input = try model(stage.model)
                let sets = try data()
                let run = directory.appendingPathComponent("run", isDirectory: true)
                var dataPath = sets[0]
                if sets.count > 1 {
                    let merged = directory.appendingPathComponent("train.jsonl")
                    plan.steps.append(.concatenate(inputs: sets, output: merged))
                    dataPath = merged.path
                }
                plan.inputModel = input
                plan.inputData = sets
                plan.outputModel = run.appendingPathComponent("final", isDirectory: true)
                plan.steps.append(.command(arguments: ["sft", "--model", input, "--data", dataPath, "--output", run.path] + threads + passThrough,
                                           resumeFrom: run.appendingPathComponent("checkpoints", isDirectory: true)))
            case .grpo:
                let input = try model(stage.model)
                let run = directory.appendingPathComponent("run", isDirectory: true)
                let final = directory.appendingPathComponent("model", isDirectory: true)
                plan.inputModel = input
                plan.outputModel = final
                let task = stage.task.map { ["--task", $0] } ?? []
                plan.steps = [
                    .command(arguments: ["grpo", "--model", input] + task + ["--output", run.path] + threads + passThrough,
                             resumeFrom: run.appendingPathComponent("checkpoints", isDirectory: true)),
                    .command(arguments: ["export", "--model", input, "--checkpoint", run.path, "--format", "hf", "--output", final.path],
                             resumeFrom: nil),
                ]
            case .rejectionSampling:
                let input = try model(stage.model)
                let output = directory.appendingPathComponent("data.jsonl")
                plan.inputModel = input
                plan.outputData = output
                plan.steps = [.command(arguments: ["distill", "--teacher", input, "--task", stage.task ?? "", "--output", output.path]
                                       + threads + passThrough, resumeFrom: nil)]
            case .eval:
                let input = try model(stage.model)
                let output = directory.appendingPathComponent("eval", isDirectory: true)
                plan.inputModel = input
                plan.outputReport = output.appendingPathComponent("report.json")
                plan.steps = [.command(arguments: ["eval", "--model", input, "--task", stage.task ?? "", "--output", output.path]
                                       + threads + passThrough, resumeFrom: nil)]
            case .export:
                let input = try model(stage.model)
                let args = stage.args ?? []
                let formatIndex = args.firstIndex(of: "--format")
                let isGGUF = formatIndex.map { $0 + 1 < args.count && args[$0 + 1] == "gguf" } ?? false
                let output = directory.appendingPathComponent(isGGUF ? "model.gguf" : "model")
                plan.inputModel = input
                plan.outputReport = output
                let format = formatIndex == nil ? ["--format", "hf"] : []
                plan.steps = [.command(arguments: ["export", "--model", input, "--output", output.path] + format + passThrough, resumeFrom: nil)]
            }
            if let produced = plan.outputModel { latestModel = produced.path }
            if let produced = plan.outputData { latestData = produced.path }
            byName[stage.name] = plan
            plans.append(plan)
        }
        return plans
    }
}
