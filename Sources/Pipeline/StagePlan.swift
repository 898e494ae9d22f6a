// StagePlan.swift — a stage resolved against the recipe: its directory, inputs, outputs and the steps it runs.

import Foundation

/// One action of a stage.
public enum StageStep: Sendable, Equatable {
    /// Write the cold-start set in process.
    case coldStart(ColdStartWriter, output: URL)
    /// Concatenate JSONL files (several SFT inputs) into one.
    case concatenate(inputs: [String], output: URL)
    /// Run `r1 <arguments>`; when `resumeFrom` holds checkpoints, `--resume` is appended so an interrupted
    /// training command continues instead of starting over.
    case command(arguments: [String], resumeFrom: URL?)
}


/// A stage resolved against the recipe and the earlier stages.
public struct StagePlan: Sendable, Equatable {
    /// Position in the recipe (0-based).
    public var index: Int
    /// The declared stage.
    public var stage: PipelineStage
    /// The stage's directory (`OUTPUT/NN-name`).
    public var directory: URL
    /// The model the stage reads (nil for stages that read none).
    public var inputModel: String?
    /// The data sets the stage reads.
    public var inputData: [String]
    /// The model the stage writes (a Hugging Face folder), if any.
    public var outputModel: URL?
    /// The data set the stage writes (JSONL), if any.
    public var outputData: URL?
    /// The report the stage writes, if any (evaluation).
    public var outputReport: URL?
    /// The actions, in order.
    public var steps: [StageStep]

    /// Text that changes whenever anything that shapes the stage's result changes (kept in the state file
    /// so a finished stage is not silently reused after its recipe entry was edited).
    public var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stageText = (try? encoder.encode(stage)).map { String(decoding: $0, as: UTF8.self) } ?? stage.name
        return ([stageText, inputModel ?? "-"] + inputData).joined(separator: "|")
    }
}
