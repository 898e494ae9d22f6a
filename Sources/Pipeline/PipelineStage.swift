// PipelineStage.swift — one stage of the R1 recipe as declared in a pipeline file.

import Foundation

/// What a stage does. Each kind maps to one `r1` command (see `StagePlanner`).
public enum StageKind: String, Codable, Sendable, CaseIterable {
    /// Writes an SFT set of worked solutions from a verifiable task (the cold-start data).
    case coldStart = "cold_start"
    /// Supervised fine-tuning (`r1 sft`) on earlier stages' data or files.
    case sft
    /// Reinforcement learning with GRPO (`r1 grpo`), followed by an export of the final weights.
    case grpo
    /// Samples from a teacher model and keeps verified answers as an SFT set (`r1 distill`).
    case rejectionSampling = "rejection_sampling"
    /// Evaluation (`r1 eval`).
    case eval
    /// Export as a Hugging Face folder or GGUF file (`r1 export`).
    case export

    /// Whether the stage's output is a model other stages can train or sample from.
    public var producesModel: Bool { self == .sft || self == .grpo }
    /// Whether the stage's output is an SFT data set.
    public var producesData: Bool { self == .coldStart || self == .rejectionSampling }
}

/// One stage of a pipeline recipe.
///
/// ```yaml
/// - name: reasoning-rl
///   kind: grpo
///   model: cold-start          # "base", an earlier stage, or a path; default: the latest model
///   recipe: Recipes/smollm2-arithmetic.yaml
///   set: {max_steps: 30}
/// ```
public struct PipelineStage: Codable, Sendable, Equatable {
    /// Unique name; also names the stage's directory.
    public var name: String
    /// What the stage does.
    public var kind: StageKind
    /// Input model: "base", the name of an earlier model stage, or a path. Default: the latest model.
    public var model: String?
    /// Input data sets (SFT): names of earlier data stages or JSONL paths. Default: the latest data stage.
    public var data: [String]?
    /// Recipe file handed to the command (`--recipe`).
    public var recipe: String?
    /// Task (`--task`), e.g. `arithmetic`, `countdown`, `gsm8k:PATH`.
    public var task: String?
    /// Overrides handed to the command as `--set KEY=VALUE`.
    public var set: [String: RecipeScalar]?
    /// Extra arguments passed verbatim to the command (e.g. `["-n", "8", "--keep", "shortest"]`).
    public var args: [String]?
    /// cold_start: task parameters (arithmetic: `digits`, `operands`, `operations` or `level`; countdown: its keys).
    public var parameters: [String: RecipeScalar]?
    /// cold_start: text appended to each question (e.g. the instruction a later GRPO stage uses).
    public var instruction: String?
    /// cold_start: number of examples to write.
    public var count: Int?
    /// cold_start: seed of the example generator.
    public var seed: UInt64?

    /// Creates a stage.
    public init(name: String, kind: StageKind, model: String? = nil, data: [String]? = nil, recipe: String? = nil,
                task: String? = nil, set: [String: RecipeScalar]? = nil, args: [String]? = nil,
                parameters: [String: RecipeScalar]? = nil, instruction: String? = nil,
                count: Int? = nil, seed: UInt64? = nil) {
        self.name = name
        self.kind = kind
        self.model = model
        self.data = data
        self.recipe = recipe
        self.task = task
        self.set = set
        self.args = args
        self.parameters = parameters
        self.instruction = instruction
        self.count = count
        self.seed = seed
    }
}

/// A YAML scalar kept as the text a command line would carry (`5e-6`, `true`, `arithmetic`).
public struct RecipeScalar: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The value as command-line text.
    public var text: String

    /// Creates a scalar from its text.
    public init(_ text: String) { self.text = text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) { text = b ? "true" : "false"; return }
        if let i = try? container.decode(Int.self) { text = String(i); return }
        if let d = try? container.decode(Double.self) { text = String(d); return }
        if let s = try? container.decode(String.self) { text = s; return }
        if let list = try? container.decode([String].self) { text = list.joined(separator: ","); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a scalar (text, number or boolean)")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }
}
