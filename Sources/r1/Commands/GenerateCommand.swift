// `r1 generate`: sample completions of one prompt from a model (raw text, the model's chat template, or the
// R1-Zero template) with the batched generator, printing text, finish reason, token count and speed.
import ArgumentParser
import Foundation
import Generation
import Models
import TensorEngine
import Tokenizers

/// Samples completions of a prompt.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Sample completions of a prompt from a model (.gguf or Hugging Face directory).",
        discussion: """
        The prompt is raw text (--prompt), one user message in the model's chat template (--chat), or a \
        question in DeepSeek-R1-Zero's template (--r1-zero). -n N samples are decoded together in one batch. \
        Completions end at an end-of-sequence token of the tokenizer, a --stop string, or --max-tokens.
        Example: r1 generate --model smollm2.gguf --chat "What is 7 * 8?" -n 4 --temperature 0.7 --max-tokens 128
        """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var promptOptions: PromptOptions
    @OptionGroup var samplingOptions: SamplingOptions

    @Option(help: "Weights the decode steps read: f32 (the model as loaded) or bf16 (rounded; half the bytes per step, faster on memory-bound batches).")
    var decodePrecision: DecodeWeightPrecision = .f32

    @Option(name: .customShort("n"), help: "Number of completions (sampled together as one batch).")
    var samples = 1

    @Flag(help: "Print prompt, completions (ids, text, per-token log-probs, finish reason) and statistics as JSON.")
    var json = false

    @Flag(help: "Print one JSON line per completion (prompt, completion, answer, token_count, finish_reason): the input of `r1 reward`.")
    var jsonl = false

    @Option(help: ArgumentHelp("Gold answer written into --jsonl lines, so `r1 reward` can score accuracy.", valueName: "text"))
    var answer: String?

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("-n must be at least 1 (got \(samples))") }
        guard !(json && jsonl) else { throw ValidationError("give --json or --jsonl, not both") }
        if answer != nil && !jsonl { throw ValidationError("--answer only applies to --jsonl") }
    }

    /// One line of `--jsonl` output, in the format `r1 reward --input` reads.
    struct RewardLine: Encodable {
        var prompt: String
        var completion: String
        var answer: String?
        var tokenCount: Int
        var finishReason: String

        enum CodingKeys: String, CodingKey {
            case prompt, completion, answer, tokenCount = "token_count", finishReason = "finish_reason"
        }
    }

    /// What `--json` prints.
    struct Result: Encodable {
        /// One completion.
        struct Sample: Encodable {
            var index: Int
            var text: String
            var tokens: [Int32]
            /// Tempered full-vocabulary log-probability of each token.
            var logprobs: [Float]
            var finishReason: String
            var tokenCount: Int

            enum CodingKeys: String, CodingKey {
                case index, text, tokens, logprobs, finishReason = "finish_reason", tokenCount = "token_count"
            }
        }
        var model: String
        var prompt: String
        var promptTokens: [Int32]
        var parameters: SamplingParameters
        var completions: [Sample]
        var statistics: GenerationStatistics
        var tokensPerSecond: Double
        var loadSeconds: Double

        enum CodingKeys: String, CodingKey {
            case model, prompt, promptTokens = "prompt_tokens", parameters, completions, statistics
            case tokensPerSecond = "tokens_per_second", loadSeconds = "load_seconds"
        }
    }

    /// Generates with a loaded model.
    /// - Parameters:
    ///   - model: the model.
    ///   - tokenizer: its tokenizer (prompt rendering, stop tokens, decoding).
    ///   - loadSeconds: load time to report.
    /// - Returns: the completions and statistics.
    /// - Throws: `CLIError.noChatTemplate`, `GenerationError` (parameters, prompt, context length).
    func generate(model: LlamaModel, tokenizer: some Tokenizer, loadSeconds: Double = 0) throws -> Result {
        let (text, add) = try promptOptions.render(tokenizer: tokenizer, modelName: modelOptions.model)
        let prompt = tokenizer.encode(text, addSpecialTokens: add)
        let parameters = samplingOptions.parameters(stopTokenIDs: tokenizer.eosTokenIds)
        model.decodeWeightPrecision = decodePrecision
        let generator = BatchGenerator(model: model, maximumConcurrentSequences: samples)
        let batch = try generator.complete(CompletionRequest(prompts: [prompt], samplesPerPrompt: samples, parameters: parameters),
                                           decoder: { tokenizer.decode($0, skipSpecialTokens: false) })
        let completions = batch.completions.enumerated().map { i, c in
            Result.Sample(index: i, text: tokenizer.decode(c.tokens, skipSpecialTokens: true), tokens: c.tokens,
                          logprobs: c.logProbabilities, finishReason: c.finishReason.description, tokenCount: c.tokens.count)
        }
        return Result(model: modelOptions.model, prompt: text, promptTokens: prompt, parameters: parameters, completions: completions,
                      statistics: batch.statistics, tokensPerSecond: batch.statistics.generatedTokensPerSecond, loadSeconds: loadSeconds)
    }

    /// Renders a result as `run()` prints it.
    /// - Parameter r: the result.
    /// - Returns: each completion with its finish reason and token count, then the speed line; or JSON / JSON Lines.
    /// - Throws: an encoding error (not expected).
    func render(_ r: Result) throws -> String {
        if json { return try JSONOutput.encode(r) }
        if jsonl {
            return try r.completions.map {
                try JSONOutput.encode(RewardLine(prompt: r.prompt, completion: $0.text, answer: answer, tokenCount: $0.tokenCount,
                                                 finishReason: $0.finishReason), pretty: false)
            }.joined(separator: "\n")
        }
        var lines = ["model \(r.model) loaded in " + String(format: "%.1fs; prompt %d tokens", r.loadSeconds, r.promptTokens.count)]
        for c in r.completions {
            let meanLogprob = c.logprobs.isEmpty ? 0 : c.logprobs.reduce(0, +) / Float(c.logprobs.count)
            lines.append("")
            lines.append("--- sample \(c.index + 1)/\(r.completions.count): \(c.tokenCount) tokens, finish \(c.finishReason), "
                         + String(format: "mean log p %.3f", meanLogprob) + " ---")
            lines.append(c.text)
        }
        let s = r.statistics
        lines.append("")
        lines.append(String(format: "%d tokens in %.2fs: %.1f tokens/s (prefill %d tokens %.2fs, decode %d steps %.2fs, batch ≤ %d)",
                            s.generatedTokens, s.totalSeconds, r.tokensPerSecond, s.promptTokens, s.prefillSeconds,
                            s.decodeSteps, s.decodeSeconds, s.peakBatchSize))
        return lines.joined(separator: "\n")
    }

    func run() throws {
        let loaded = try modelOptions.load()
        print(try render(try generate(model: loaded.model, tokenizer: loaded.tokenizer, loadSeconds: loaded.loadSeconds)))
    }
}

extension DecodeWeightPrecision: ExpressibleByArgument {}
