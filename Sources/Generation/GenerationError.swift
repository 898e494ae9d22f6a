// Typed errors of the Generation module: invalid sampling parameters and invalid generation requests.
// Not for programmer mistakes inside kernels (those are preconditions).

/// An error raised by the Generation module for invalid parameters or requests.
///
/// Every case names the offending field and value and says how to fix it.
public enum GenerationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A sampling parameter is outside its valid range.
    /// - `field`: the parameter name as written in `SamplingParameters` (e.g. `topP`).
    /// - `value`: the offending value, rendered as text.
    /// - `rule`: the accepted range or rule.
    case invalidParameter(field: String, value: String, rule: String)
    /// A prompt in a request is unusable (empty, or a token id outside the vocabulary).
    /// - `promptIndex`: the prompt's position in the request.
    /// - `reason`: what is wrong with it.
    case invalidPrompt(promptIndex: Int, reason: String)
    /// A stop string was requested but no text decoder was supplied to turn token ids into text.
    case missingTextDecoder(stopStrings: [String])
    /// The model's cache cannot hold the longest prompt plus `maxNewTokens`.
    case contextTooLong(promptIndex: Int, required: Int, limit: Int)

    public var description: String {
        switch self {
        case let .invalidParameter(field, value, rule):
            return "Invalid sampling parameter \(field) = \(value): \(rule). Change \(field) in the sampling parameters."
        case let .invalidPrompt(promptIndex, reason):
            return "Prompt \(promptIndex) of the request is invalid: \(reason). Fix or drop that prompt."
        case let .missingTextDecoder(stopStrings):
            return "Stop strings \(stopStrings) were requested but no text decoder was given. "
                + "Pass a decoder (token ids → text) to the completion sampler, or remove the stop strings."
        case let .contextTooLong(promptIndex, required, limit):
            return "Prompt \(promptIndex) needs \(required) positions (prompt + maxNewTokens) but the model allows \(limit). "
                + "Shorten the prompt or lower maxNewTokens."
        }
    }
}
