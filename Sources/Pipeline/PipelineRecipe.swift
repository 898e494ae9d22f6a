// PipelineRecipe.swift — the multi-stage R1 recipe file: a base model and an ordered list of stages.

import Foundation
import Yams

/// A multi-stage recipe (cold-start SFT → GRPO → rejection sampling → SFT → GRPO → distillation).
///
/// ```yaml
/// base_model: SmolLM2-135M-Instruct.Q4_1.gguf
/// threads: 2
/// stages:
///   - {name: cold-start-data, kind: cold_start, task: arithmetic, count: 256}
///   - {name: cold-start, kind: sft, recipe: Recipes/smollm2-sft.yaml}
///   - {name: reasoning-rl, kind: grpo, recipe: Recipes/smollm2-arithmetic.yaml}
/// ```
public struct PipelineRecipe: Codable, Sendable, Equatable {
    /// The starting model (a .gguf file or a Hugging Face folder); stages refer to it as "base".
    public var baseModel: String
    /// Worker threads handed to every stage (`--threads`).
    public var threads: Int
    /// The stages, run in order.
    public var stages: [PipelineStage]

    enum CodingKeys: String, CodingKey {
        case baseModel = "base_model", threads, stages
    }

    /// Creates a recipe.
    public init(baseModel: String, threads: Int = 2, stages: [PipelineStage]) {
        self.baseModel = baseModel
        self.threads = threads
        self.stages = stages
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        baseModel = try c.decode(String.self, forKey: .baseModel)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? 2
        stages = try c.decode([PipelineStage].self, forKey: .stages)
    }

    /// Reads and validates a recipe file.
    /// - Parameters:
    ///   - url: the YAML file.
    ///   - baseModelOverride: replaces `base_model` (the command line's `--model`).
    /// - Returns: the recipe.
    /// - Throws: `PipelineError.unreadableRecipe` or `.invalidRecipe`.
    public static func load(_ url: URL, baseModelOverride: String? = nil) throws -> PipelineRecipe {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw PipelineError.unreadableRecipe(path: url.path, reason: error.localizedDescription)
        }
        var recipe: PipelineRecipe
        do { recipe = try YAMLDecoder().decode(PipelineRecipe.self, from: text) } catch {
            throw PipelineError.unreadableRecipe(path: url.path, reason: Self.describe(error))
        }
        if let baseModelOverride { recipe.baseModel = baseModelOverride }
        try recipe.validate(path: url.path)
        return recipe
    }

    /// Checks names, counts and kinds (references are checked by `StagePlanner`).
    /// - Parameter path: the recipe's path, for messages.
    /// - Throws: `PipelineError.invalidRecipe`.
    public func validate(path: String) throws {
        guard !baseModel.isEmpty else { throw PipelineError.invalidRecipe(path: path, reason: "base_model is empty") }
        guard threads >= 1 else { throw PipelineError.invalidRecipe(path: path, reason: "threads must be ≥ 1 (got \(threads))") }
        guard !stages.isEmpty else { throw PipelineError.invalidRecipe(path: path, reason: "stages is empty; list at least one stage") }
        var seen = Set<String>()
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        for stage in stages {
            guard !stage.name.isEmpty, stage.name.unicodeScalars.allSatisfy(allowed.contains), stage.name != "base",
                  !stage.name.hasPrefix(".") else {
                throw PipelineError.invalidRecipe(path: path, reason: "stage name '\(stage.name)' must be non-empty letters, digits, '-', '_' or '.', and not 'base'")
            }
            guard seen.insert(stage.name).inserted else {
                throw PipelineError.invalidRecipe(path: path, reason: "two stages are named '\(stage.name)'; names must be unique")
            }
            switch stage.kind {
            case .coldStart:
                guard stage.task != nil else { throw PipelineError.invalidRecipe(path: path, reason: "stage '\(stage.name)' (cold_start) needs a task") }
                guard let count = stage.count, count > 0 else {
                    throw PipelineError.invalidRecipe(path: path, reason: "stage '\(stage.name)' (cold_start) needs count > 0")
                }
            case .rejectionSampling, .eval:
                guard stage.task != nil else { throw PipelineError.invalidRecipe(path: path, reason: "stage '\(stage.name)' (\(stage.kind.rawValue)) needs a task") }
            case .sft, .grpo, .export:
                break
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, let context):
                return "missing key '\(key.stringValue)' at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let at = context.codingPath.map(\.stringValue).joined(separator: ".")
                return "\(context.debugDescription) at '\(at)'"
            @unknown default:
                return "\(error)"
            }
        }
        return "\(error)"
    }
}
