// PipelineError.swift — what can go wrong declaring or running a multi-stage recipe.

import Foundation

/// Errors of the multi-stage pipeline. Each message names the recipe, stage or file and says what to do.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    /// The recipe file could not be read or parsed.
    case unreadableRecipe(path: String, reason: String)
    /// A recipe field has an invalid value.
    case invalidRecipe(path: String, reason: String)
    /// A stage refers to a stage that does not exist or comes later.
    case unknownReference(stage: String, field: String, reference: String, known: [String])
    /// A stage refers to a stage of the wrong kind (a data set where a model is needed, or the reverse).
    case wrongReferenceKind(stage: String, field: String, reference: String, expected: String)
    /// A stage's command failed.
    case stageFailed(stage: String, command: String, status: Int32, log: String)
    /// A stage finished but its expected output is missing.
    case missingOutput(stage: String, path: String)
    /// The recipe changed for a stage that already finished.
    case recipeChanged(stage: String, directory: String)
    /// The pipeline state file is corrupt.
    case corruptState(path: String, reason: String)
    /// Writing a pipeline file failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableRecipe(let path, let reason):
            return "pipeline recipe \(path): cannot read it (\(reason)); give a YAML file with `base_model:` and a `stages:` list"
        case .invalidRecipe(let path, let reason):
            return "pipeline recipe \(path): \(reason)"
        case .unknownReference(let stage, let field, let reference, let known):
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "stage '\(stage)': \(field) '\(reference)' is neither 'base', an earlier stage (\(list)) nor an existing path; "
                + "name an earlier stage or a file that exists"
        case .wrongReferenceKind(let stage, let field, let reference, let expected):
            return "stage '\(stage)': \(field) '\(reference)' does not produce \(expected); refer to a stage that does"
        case .stageFailed(let stage, let command, let status, let log):
            return "stage '\(stage)' failed: `r1 \(command)` exited with status \(status); see \(log). "
                + "Fix the cause and rerun the same `r1 pipeline` command: finished stages are kept and this one resumes"
        case .missingOutput(let stage, let path):
            return "stage '\(stage)' finished but did not write \(path); check the stage's log in its directory"
        case .recipeChanged(let stage, let directory):
            return "stage '\(stage)' already finished in \(directory) with different settings; "
                + "use a new --output directory, or pass --from \(stage) to redo it and every later stage"
        case .corruptState(let path, let reason):
            return "pipeline state \(path) is unreadable (\(reason)); delete it to start over, or restore it"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
