// PromptOptions: exactly one of `--prompt` (raw text), `--chat` (one user turn rendered with the model's
// chat template) or `--r1-zero` (DeepSeek-R1-Zero's plain-text template), turned into prompt token ids.
import ArgumentParser
import Tokenizers

/// The prompt flags of `r1 generate`.
struct PromptOptions: ParsableArguments {
    @Option(help: "Raw prompt text, tokenized as is (the tokenizer's sequence tokens, e.g. BOS, are added).")
    var prompt: String?

    @Option(help: "A user message, rendered with the model's chat template and an assistant header.")
    var chat: String?

    @Option(name: .customLong("r1-zero"), help: "A question, rendered with the R1-Zero template (<think>/<answer> instructions).")
    var r1Zero: String?

    @Option(help: "System message for --chat (replaces the template's default system prompt).")
    var system: String?

    func validate() throws {
        let given = [prompt, chat, r1Zero].compactMap { $0 }.count
        guard given == 1 else {
            throw ValidationError(given == 0 ? "give a prompt: --prompt TEXT, --chat TEXT or --r1-zero TEXT"
                                             : "give only one of --prompt, --chat and --r1-zero")
        }
        if system != nil && chat == nil { throw ValidationError("--system only applies to --chat") }
    }

    /// The prompt text with special tokens written out, and whether the tokenizer's sequence tokens
    /// must still be added when encoding it.
    /// - Parameters:
    ///   - tokenizer: the model's tokenizer (its chat template is used for `--chat`).
    ///   - modelName: the model path, for the error message.
    /// - Returns: text and whether to add sequence special tokens.
    /// - Throws: `CLIError.noChatTemplate` for `--chat` when the tokenizer has no known template.
    func render(tokenizer: some Tokenizer, modelName: String) throws -> (text: String, addSpecialTokens: Bool) {
        if let prompt { return (prompt, true) }
        if let r1Zero { return (ChatTemplate.r1Zero.render([ChatMessage(role: .user, content: r1Zero)], addGenerationPrompt: true), true) }
        guard let template = ChatTemplate(for: tokenizer) else { throw CLIError.noChatTemplate(model: modelName) }
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: .system, content: system)) }
        messages.append(ChatMessage(role: .user, content: chat ?? ""))
        return (template.render(messages, addGenerationPrompt: true), false)
    }

    /// Token ids of the rendered prompt.
    /// - Parameters:
    ///   - tokenizer: the model's tokenizer.
    ///   - modelName: the model path, for error messages.
    /// - Returns: prompt ids.
    /// - Throws: as `render(tokenizer:modelName:)`.
    func tokens(tokenizer: some Tokenizer, modelName: String) throws -> [Int32] {
        let (text, add) = try render(tokenizer: tokenizer, modelName: modelName)
        return tokenizer.encode(text, addSpecialTokens: add)
    }
}
