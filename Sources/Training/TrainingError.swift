// TrainingError.swift — the typed errors of the Training module.
// Each message names what went wrong, where (file, key, field) and what to do about it.

import Foundation

/// Errors thrown by the Training module: configuration, recipes, run directories and checkpoints.
public enum TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A configuration field holds a value that is out of range or inconsistent with another field.
    /// - `field`: the TRL-style key (`num_generations`), `value`: the offending value, `fix`: what to change.
    case invalidConfiguration(field: String, value: String, fix: String)
    /// A recipe or override names a key that `GRPOConfiguration` does not have.
    case unknownKey(key: String, source: String, suggestion: String?)
    /// A recipe or override value cannot be parsed as the field's type.
    case invalidValue(key: String, value: String, expected: String, source: String)
    /// An override string is not of the form `key=value`.
    case malformedOverride(String)
    /// A recipe file could not be read or parsed.
    case unreadableRecipe(path: String, reason: String)
    /// A file in a run directory could not be written.
    case writeFailed(path: String, reason: String)
    /// A checkpoint directory is missing, incomplete, or fails its integrity check.
    case corruptCheckpoint(path: String, reason: String)
    /// A checkpoint was written by an incompatible format version.
    case unsupportedCheckpointVersion(path: String, found: Int, supported: Int)
    /// Optimizer state does not match the parameter count it is being used with.
    case optimizerStateMismatch(expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, value, fix):
            return "invalid configuration: \(field) = \(value); \(fix)"
        case let .unknownKey(key, source, suggestion):
            var text = "unknown configuration key '\(key)' in \(source)"
            if let suggestion { text += "; did you mean '\(suggestion)'?" }
            return text + "; GRPOConfiguration.keys lists every accepted key"
        case let .invalidValue(key, value, expected, source):
            return "invalid value '\(value)' for '\(key)' in \(source): expected \(expected)"
        case let .malformedOverride(text):
            return "malformed override '\(text)': expected key=value, e.g. learning_rate=3e-6"
        case let .unreadableRecipe(path, reason):
            return "cannot read recipe \(path): \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason); check the directory exists and the disk has space"
        case let .corruptCheckpoint(path, reason):
            return "checkpoint \(path) is unusable: \(reason); resume from an earlier checkpoint"
        case let .unsupportedCheckpointVersion(path, found, supported):
            return "checkpoint \(path) has format version \(found) but this build reads version \(supported); "
                + "use the r1 build that wrote it"
        case let .optimizerStateMismatch(expected, found):
            return "optimizer state holds \(found) values but the model has \(expected) parameters; "
                + "the checkpoint belongs to a different model"
        }
    }
}
