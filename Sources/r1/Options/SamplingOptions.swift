// SamplingOptions: the sampling flags of `r1 generate` (and any command that samples), converted to the
// Generation module's validated `SamplingParameters` in one place. Defaults are the library's defaults.
import ArgumentParser
import Generation

/// Sampling flags: temperature, top-k, top-p, min-p, token budget, seed and stop strings.
struct SamplingOptions: ParsableArguments {
    @Option(name: .customLong("max-tokens"), help: "Most generated tokens per completion (the stop token counts).")
    var maxTokens = SamplingParameters().maxNewTokens

    @Option(help: "Softmax temperature; 0 = greedy (arg-max).")
    var temperature = SamplingParameters().temperature

    @Option(name: .customLong("top-k"), help: "Keep the K most likely tokens (0 = off).")
    var topK = SamplingParameters().topK

    @Option(name: .customLong("top-p"), help: "Nucleus sampling: keep the smallest set of tokens with this much probability (1 = off).")
    var topP = SamplingParameters().topP

    @Option(name: .customLong("min-p"), help: "Keep tokens at least this fraction as likely as the most likely one (0 = off).")
    var minP = SamplingParameters().minP

    @Option(help: "Seed; sample g of a prompt draws from a stream derived from (seed, prompt, g).")
    var seed = SamplingParameters().seed

    @Option(name: .customLong("stop"), help: ArgumentHelp("Stop when the text contains this string (repeatable); the string is kept.",
                                                          valueName: "string"))
    var stopStrings: [String] = []

    func validate() throws {
        try parameters(stopTokenIDs: []).validate()
    }

    /// The library value these flags stand for.
    /// - Parameter stopTokenIDs: end-of-generation ids (from the tokenizer).
    /// - Returns: the sampling parameters (not yet validated; `validate()` checks them at parse time).
    func parameters(stopTokenIDs: [Int32]) -> SamplingParameters {
        SamplingParameters(temperature: temperature, topK: topK, topP: topP, minP: minP, maxNewTokens: maxTokens,
                           seed: seed, stopTokenIDs: stopTokenIDs, stopStrings: stopStrings)
    }
}
