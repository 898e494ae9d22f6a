// Errors of LoRA adapters: bad settings, adapter files that do not fit the model.

/// Errors raised while configuring, attaching, saving or loading a LoRA adapter.
public enum LoRAError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A LoRA setting breaks a rule (`key` is the PEFT / TRL name, e.g. `lora_r`).
    case invalidConfiguration(key: String, value: String, rule: String)
    /// An adapter was built for a different model configuration than the one it is attached to.
    case modelMismatch(reason: String)
    /// An adapter file lacks a tensor the configuration implies.
    case missingTensor(name: String, source: String)
    /// An adapter tensor has the wrong shape for the model.
    case shapeMismatch(name: String, expected: [Int], actual: [Int], source: String)
    /// An adapter file holds a tensor no target module explains.
    case unexpectedTensor(name: String, source: String)
    /// Reading or writing an adapter file failed.
    case io(path: String, reason: String)
    /// The operation needs an attached adapter and there is none.
    case noAdapter(operation: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(key, value, rule):
            return "invalid LoRA setting \(key) = \(value): \(rule)."
        case let .modelMismatch(reason):
            return "the LoRA adapter does not fit this model: \(reason). Load the base model the adapter was trained on."
        case let .missingTensor(name, source):
            return "adapter tensor \(name) is missing in \(source); the file does not match adapter_config.json (target_modules) or is incomplete."
        case let .shapeMismatch(name, expected, actual, source):
            return "adapter tensor \(name) in \(source) has shape \(actual) but r and the base model imply \(expected); check that the adapter belongs to this base model."
        case let .unexpectedTensor(name, source):
            return "adapter tensor \(name) in \(source) is not a lora_A/lora_B weight of a supported target module (q/k/v/o/gate/up/down_proj); only plain LoRA adapters are supported."
        case let .io(path, reason):
            return "cannot read or write the adapter at \(path): \(reason)"
        case let .noAdapter(operation):
            return "\(operation) needs a LoRA adapter attached to the model; attach one with attachAdapter(_:) first."
        }
    }
}
