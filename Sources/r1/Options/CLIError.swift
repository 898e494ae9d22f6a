// CLIError: problems in command-line input that no library reports (conflicting flags, unreadable input
// files, prompts that do not fit). Library errors are passed through unchanged with their own messages.

/// A command-line usage or input problem; `description` says what is wrong and what to do.
enum CLIError: Error, Equatable, CustomStringConvertible {
    /// A file given on the command line could not be read.
    case unreadableFile(path: String, reason: String)
    /// A path is neither a `.gguf` file nor a Hugging Face model directory.
    case notAModel(path: String)
    /// The model's tokenizer has no chat template `--chat` could use.
    case noChatTemplate(model: String)
    /// The text encodes to fewer tokens than needed.
    case textTooShort(tokens: Int, needed: Int)
    /// The text encodes to more tokens than the model's context holds.
    case textTooLong(tokens: Int, limit: Int)
    /// A comma-separated list entry is not a number.
    case invalidNumber(option: String, value: String)
    /// A `--param` override is not of the form `REWARD.KEY=VALUE`.
    case invalidParameterOverride(String)

    var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "Cannot read \(path): \(reason). Check the path and permissions."
        case let .notAModel(path):
            return "\(path) is neither a .gguf file nor a Hugging Face model directory (config.json, model.safetensors, "
                + "tokenizer.json). Pass one of those to --model."
        case let .noChatTemplate(model):
            return "The tokenizer of \(model) has no recognisable chat template (ChatML or Llama-3). "
                + "Use --prompt with the text written out, or --r1-zero."
        case let .textTooShort(tokens, needed):
            return "The text encodes to \(tokens) token(s); at least \(needed) are needed to score a next-token "
                + "log-probability. Give a longer text."
        case let .textTooLong(tokens, limit):
            return "The text encodes to \(tokens) tokens but the model's context holds \(limit). Shorten the text."
        case let .invalidNumber(option, value):
            return "\(option): '\(value)' is not a number. Give comma-separated numbers, e.g. \(option) 1,0.2."
        case let .invalidParameterOverride(text):
            return "--param '\(text)' is not of the form REWARD.KEY=VALUE (e.g. accuracy.extraction=answer_tag)."
        }
    }
}
