// SFTError: the typed errors of supervised fine-tuning — data files, recipes, checkpoints and outputs.
// Each message says what is wrong, where (file and line, key, path) and what to do.
import Foundation

/// Errors of SFT data loading, recipes and runs.
public enum SFTError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A data file cannot be read.
    case unreadableData(path: String, reason: String)
    /// One line of a JSONL data file is not a valid example (`line` is 1-based).
    case malformedLine(path: String, line: Int, reason: String)
    /// A data file holds no examples.
    case emptyData(path: String)
    /// A recipe or override names a key SFTConfiguration does not have.
    case unknownKey(key: String, source: String, suggestion: String?)
    /// A recipe file cannot be read or has a form the SFT recipe reader does not accept.
    case unreadableRecipe(path: String, reason: String)
    /// A setting of the run (outside the hyper-parameters) is unusable.
    case invalidSetting(key: String, value: String, reason: String)
    /// A checkpoint cannot continue this run.
    case incompatibleCheckpoint(path: String, reason: String)
    /// The final model folder cannot be written.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableData(path, reason):
            return "cannot read SFT data \(path): \(reason); check the path"
        case let .malformedLine(path, line, reason):
            return "\(path):\(line): \(reason); each line must be one JSON object: "
                + #"{"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}, "#
                + #"{"prompt": "...", "completion": "..."} (strings or message lists), or {"text": "..."}"#
        case let .emptyData(path):
            return "SFT data \(path) holds no examples; give a JSONL file with one example per line"
        case let .unknownKey(key, source, suggestion):
            var text = "unknown SFT configuration key '\(key)' in \(source)"
            if let suggestion { text += "; did you mean '\(suggestion)'?" }
            return text + "; accepted keys: " + SFTConfiguration.keys.joined(separator: ", ")
        case let .unreadableRecipe(path, reason):
            return "cannot read SFT recipe \(path): \(reason)"
        case let .invalidSetting(key, value, reason):
            return "\(key) = '\(value)': \(reason)"
        case let .incompatibleCheckpoint(path, reason):
            return "cannot resume from \(path): \(reason). Resume with the model, data and recipe the run was started with, "
                + "or start a new output directory"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason); check the directory is writable and the disk has space"
        }
    }
}
