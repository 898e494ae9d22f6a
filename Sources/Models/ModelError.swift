// Errors of the Models module: bad configurations, missing or mis-shaped weights.

/// Errors raised while configuring a model or loading its weights.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A configuration value breaks a rule (`key` is the config.json / GGUF key).
    case invalidConfiguration(key: String, value: String, rule: String)
    /// A required configuration key is absent.
    case missingConfigurationKey(key: String, source: String)
    /// The architecture is not one this module implements.
    case unsupportedArchitecture(String)
    /// A tensor the model needs is not in the weight file.
    case missingTensor(name: String, source: String)
    /// A tensor exists but its shape differs from what the configuration implies.
    case shapeMismatch(name: String, expected: [Int], actual: [Int], source: String)
    /// Reading a weight or configuration file failed.
    case unreadable(source: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let key, let value, let rule):
            return "invalid model configuration: \(key) = \(value); \(rule). Fix the value in config.json (or the GGUF metadata)."
        case .missingConfigurationKey(let key, let source):
            return "model configuration key \(key) is missing in \(source); add it (see the Hugging Face config.json of the model)."
        case .unsupportedArchitecture(let name):
            return "unsupported architecture \(name); supported: \(LlamaConfiguration.supportedArchitectures.sorted().joined(separator: ", "))."
        case .missingTensor(let name, let source):
            return "tensor \(name) not found in \(source); the file does not match the configuration or is incomplete."
        case .shapeMismatch(let name, let expected, let actual, let source):
            return "tensor \(name) in \(source) has shape \(actual), but the configuration implies \(expected); check that config and weights belong together."
        case .unreadable(let source, let reason):
            return "cannot read \(source): \(reason)"
        }
    }
}
