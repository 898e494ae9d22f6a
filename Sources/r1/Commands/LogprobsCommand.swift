// `r1 logprobs`: the model's log-probability of every token of a text given the tokens before it, and the
// text's perplexity (one teacher-forced forward pass, `LlamaModel.tokenLogProbs`).
import ArgumentParser
import Foundation
import Models
import Tokenizers

/// Scores a text token by token under a model.
struct LogprobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprobs",
        abstract: "Print log p(token | previous tokens) for every token of a text, and its perplexity.",
        discussion: """
        The first token has no log-probability (nothing precedes it); perplexity is exp(−mean log p) over \
        the others. The tokenizer's sequence tokens (e.g. BOS) are added unless --no-special.
        Example: r1 logprobs --model smollm2.gguf "The capital of France is Paris."
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Argument(help: "The text to score (or use --file).")
    var text: String?

    @Option(help: ArgumentHelp("Read the text from this file.", valueName: "file"))
    var file: String?

    @Flag(help: "Do not add the tokenizer's sequence special tokens (e.g. BOS).")
    var noSpecial = false

    @Flag(help: "Print per-token log-probabilities and perplexity as one JSON object.")
    var json = false

    func validate() throws {
        guard (text == nil) != (file == nil) else { throw ValidationError("give the text to score as an argument or with --file FILE (not both)") }
    }

    /// The scored text.
    struct Result: Encodable, Equatable {
        /// One token.
        struct Token: Encodable, Equatable {
            var id: Int32
            var text: String
            /// log p(token | previous tokens); nil for the first token.
            var logprob: Float?
        }
        var tokens: [Token]
        /// Sum of the log-probabilities.
        var totalLogprob: Double
        /// Number of scored tokens (all but the first).
        var scoredTokens: Int
        /// exp(−total / scored).
        var perplexity: Double
        /// Seconds for the forward pass.
        var seconds: Double

        enum CodingKeys: String, CodingKey {
            case tokens, totalLogprob = "total_logprob", scoredTokens = "scored_tokens", perplexity, seconds
        }
    }

    /// The text from the argument or `--file`.
    /// - Returns: the text.
    /// - Throws: `CLIError.unreadableFile`.
    func inputText() throws -> String {
        if let text { return text }
        let path = file ?? ""
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError.unreadableFile(path: path, reason: error.localizedDescription)
        }
    }

    /// Scores the text under a loaded model.
    /// - Parameters:
    ///   - model: the model.
    ///   - tokenizer: its tokenizer.
    /// - Returns: per-token log-probabilities and perplexity.
    /// - Throws: `CLIError.textTooShort` / `.textTooLong`.
    func score(model: LlamaModel, tokenizer: some Tokenizer) throws -> Result {
        let ids = tokenizer.encode(try inputText(), addSpecialTokens: !noSpecial)
        guard ids.count >= 2 else { throw CLIError.textTooShort(tokens: ids.count, needed: 2) }
        let limit = model.configuration.maxPositionEmbeddings
        guard ids.count <= limit else { throw CLIError.textTooLong(tokens: ids.count, limit: limit) }
        let start = Date()
        let logProbs = model.tokenLogProbs(TokenBatch(rightPadding: [ids]), keepActivations: false)
        let seconds = Date().timeIntervalSince(start)
        var tokens: [Result.Token] = []
        var total = 0.0
        for (t, id) in ids.enumerated() {
            let lp: Float? = t == 0 ? nil : logProbs[t]
            if let lp { total += Double(lp) }
            tokens.append(.init(id: id, text: tokenizer.decode([id], skipSpecialTokens: false), logprob: lp))
        }
        let scored = ids.count - 1
        return Result(tokens: tokens, totalLogprob: total, scoredTokens: scored, perplexity: exp(-total / Double(scored)), seconds: seconds)
    }

    /// Renders a result as `run()` prints it.
    /// - Parameter r: the result.
    /// - Returns: a table of position, id, log p and token text, then the totals; or JSON.
    /// - Throws: an encoding error (not expected).
    func render(_ r: Result) throws -> String {
        if json { return try JSONOutput.encode(r) }
        var lines: [String] = []
        let width = String(r.tokens.count).count
        for (i, token) in r.tokens.enumerated() {
            let lp = token.logprob.map { String(format: "%9.4f", $0) } ?? "        -"
            lines.append(String(i).paddedLeft(width) + "  " + String(token.id).paddedLeft(6) + "  " + lp + "  " + token.text.debugDescription)
        }
        lines.append(String(format: "%d tokens scored: total log p %.4f, mean %.4f, perplexity %.4f (%.2fs)",
                            r.scoredTokens, r.totalLogprob, r.totalLogprob / Double(r.scoredTokens), r.perplexity, r.seconds))
        return lines.joined(separator: "\n")
    }

    func run() throws {
        let loaded = try modelOptions.load()
        print(try render(try score(model: loaded.model, tokenizer: loaded.tokenizer)))
    }
}
