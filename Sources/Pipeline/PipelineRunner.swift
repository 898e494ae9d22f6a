// PipelineRunner.swift — runs the stages in order, skipping finished ones and resuming the interrupted one.

import Foundation

/// What a pipeline run did.
public struct PipelineSummary: Sendable, Equatable {
    /// One line per stage.
    public struct StageOutcome: Sendable, Equatable {
        /// Stage name.
        public var name: String
        /// "ran", "kept" (finished earlier) .
        public var action: String
        /// The stage's main output (model folder, data set or report).
        public var output: String?
        /// Wall seconds this run spent in the stage.
        public var seconds: Double
    }
    /// Outcomes in stage order.
    public var stages: [StageOutcome]
}

/// Runs a pipeline recipe in an output directory.
///
/// Each stage writes only inside its own directory `OUTPUT/NN-name`. After every step the runner records
/// progress in `OUTPUT/pipeline-state.json`; a rerun of the same command skips finished stages, continues an
/// interrupted stage at its first unfinished step, and hands `--resume` to an interrupted training command.
public struct PipelineRunner: Sendable {
    /// The recipe.
    public var recipe: PipelineRecipe
    /// Output directory.
    public var outputDirectory: URL
    /// Runs the `r1` commands.
    public var launcher: any StageLauncher

    /// Creates a runner.
    public init(recipe: PipelineRecipe, outputDirectory: URL, launcher: any StageLauncher) {
        self.recipe = recipe
        self.outputDirectory = outputDirectory
        self.launcher = launcher
    }

    /// Runs every stage not yet finished.
    /// - Parameters:
    ///   - from: redo this stage and every later one (their old directories are kept, renamed aside).
    ///   - progress: receives one line per event.
    /// - Returns: the summary.
    /// - Throws: `PipelineError` (a failed stage names its command and log).
    public func run(from: String? = nil, progress: (String) -> Void = { _ in }) throws -> PipelineSummary {
        let plans = try StagePlanner(recipe: recipe, outputDirectory: outputDirectory).plans()
        do { try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true) } catch {
            throw PipelineError.writeFailed(path: outputDirectory.path, reason: "\(error)")
        }
        var state = try PipelineState.load(from: outputDirectory)
        if let from {
            guard let start = plans.firstIndex(where: { $0.stage.name == from }) else {
                throw PipelineError.unknownReference(stage: "--from", field: "stage", reference: from, known: plans.map(\.stage.name))
            }
            for plan in plans[start...] where state.stages[plan.stage.name] != nil || FileManager.default.fileExists(atPath: plan.directory.path) {
                try setAside(plan)
                state.stages[plan.stage.name] = nil
            }
            try state.save(to: outputDirectory)
        }
        var outcomes: [PipelineSummary.StageOutcome] = []
        for plan in plans {
            let name = plan.stage.name
            let mainOutput = (plan.outputModel ?? plan.outputData ?? plan.outputReport)?.path
            if var record = state.stages[name] {
                if record.fingerprint != plan.fingerprint {
                    if record.finished || record.completedSteps > 0 {
                        throw PipelineError.recipeChanged(stage: name, directory: plan.directory.path)
                    }
                    record = .init(fingerprint: plan.fingerprint, completedSteps: 0, finished: false, seconds: record.seconds)
                    state.stages[name] = record
                }
                if record.finished {
                    progress("[\(plan.index + 1)/\(plans.count)] \(name): finished earlier, kept (\(mainOutput ?? plan.directory.path))")
                    outcomes.append(.init(name: name, action: "kept", output: mainOutput, seconds: 0))
                    continue
                }
            } else {
                state.stages[name] = .init(fingerprint: plan.fingerprint, completedSteps: 0, finished: false, seconds: 0)
            }
            try state.save(to: outputDirectory)
            let started = Date()
            progress("[\(plan.index + 1)/\(plans.count)] \(name) (\(plan.stage.kind.rawValue)) → \(plan.directory.path)")
            for (stepIndex, step) in plan.steps.enumerated() where stepIndex >= state.stages[name]!.completedSteps {
                try perform(step, of: plan, progress: progress)
                state.stages[name]!.completedSteps = stepIndex + 1
                state.stages[name]!.seconds += Date().timeIntervalSince(started)
                try state.save(to: outputDirectory)
            }
            for output in [plan.outputModel, plan.outputData, plan.outputReport].compactMap({ $0 })
            where !FileManager.default.fileExists(atPath: output.path) {
                throw PipelineError.missingOutput(stage: name, path: output.path)
            }
            state.stages[name]!.finished = true
            try state.save(to: outputDirectory)
            let seconds = Date().timeIntervalSince(started)
            progress("[\(plan.index + 1)/\(plans.count)] \(name): done in \(String(format: "%.0f", seconds)) s")
            outcomes.append(.init(name: name, action: "ran", output: mainOutput, seconds: seconds))
        }
        return PipelineSummary(stages: outcomes)
    }

    /// Performs one step.
    func perform(_ step: StageStep, of plan: StagePlan, progress: (String) -> Void) throws {
        do { try FileManager.default.createDirectory(at: plan.directory, withIntermediateDirectories: true) } catch {
            throw PipelineError.writeFailed(path: plan.directory.path, reason: "\(error)")
        }
        switch step {
        case .coldStart(let writer, let output):
            let count = try writer.write(to: output)
            progress("  wrote \(count) worked solutions to \(output.path)")
        case .concatenate(let inputs, let output):
            var data = Data()
            for input in inputs {
                do {
                    var chunk = try Data(contentsOf: URL(fileURLWithPath: input))
                    if let last = chunk.last, last != UInt8(ascii: "\n") { chunk.append(UInt8(ascii: "\n")) }
                    data.append(chunk)
                } catch {
                    throw PipelineError.missingOutput(stage: plan.stage.name, path: input)
                }
            }
            do { try data.write(to: output, options: .atomic) } catch {
                throw PipelineError.writeFailed(path: output.path, reason: "\(error)")
            }
        case .command(var arguments, let resumeFrom):
            if let resumeFrom, let entries = try? FileManager.default.contentsOfDirectory(atPath: resumeFrom.path),
               entries.contains(where: { !$0.hasPrefix(".") }) {
                arguments.append("--resume")
            }
            let log = plan.directory.appendingPathComponent("stage.log")
            let status = try launcher.run(arguments: arguments, log: log)
            guard status == 0 else {
                throw PipelineError.stageFailed(stage: plan.stage.name, command: arguments.joined(separator: " "), status: status, log: log.path)
            }
        }
    }

    /// Renames a stage directory aside (`NN-name.redo-TIMESTAMP`) so nothing earlier is lost.
    func setAside(_ plan: StagePlan) throws {
        guard FileManager.default.fileExists(atPath: plan.directory.path) else { return }
        let stamp = Int(Date().timeIntervalSince1970)
        let aside = plan.directory.deletingLastPathComponent().appendingPathComponent("\(plan.directory.lastPathComponent).redo-\(stamp)")
        do { try FileManager.default.moveItem(at: plan.directory, to: aside) } catch {
            throw PipelineError.writeFailed(path: aside.path, reason: "\(error)")
        }
    }
}
