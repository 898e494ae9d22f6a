// Errors of the ModelExport module: what cannot be exported, from where, and what to do instead.

/// A problem found while loading a model for export or writing the exported files.
public enum ExportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The option combination is not supported (e.g. `--format hf --dtype q8_0`).
    case invalidOptions(String)
    /// The model path is neither a `.gguf` file nor a Hugging Face directory.
    case notAModel(path: String)
    /// A checkpoint directory holds no `weights.safetensors` (directly or under `checkpoints/step-*`).
    case noCheckpoint(path: String)
    /// A checkpoint tensor does not belong to the base model (unknown name or different shape), or one is missing.
    case checkpointMismatch(path: String, tensor: String, reason: String)
    /// The model or tokenizer uses something the target format cannot express.
    case unsupported(what: String, format: String, reason: String)
    /// Writing an output file failed.
    case writeFailed(path: String, reason: String)
    /// Reading an input file failed (the underlying module's message is kept).
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidOptions(message):
            return "invalid export options: \(message)"
        case let .notAModel(path):
            return "\(path) is neither a .gguf file nor a Hugging Face model directory (config.json + model.safetensors); "
                + "pass one of those as the model to export."
        case let .noCheckpoint(path):
            return "no checkpoint in \(path): expected weights.safetensors there or a run directory with "
                + "checkpoints/step-NNNNNNNN/weights.safetensors."
        case let .checkpointMismatch(path, tensor, reason):
            return "checkpoint \(path) does not fit the base model: tensor \(tensor) \(reason). "
                + "Pass the model the run was trained from as --model."
        case let .unsupported(what, format, reason):
            return "cannot export \(what) as \(format): \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason). Check that the directory exists and is writable."
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        }
    }
}
