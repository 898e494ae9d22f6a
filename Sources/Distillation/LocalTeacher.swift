// LocalTeacher: a teacher backed by a local model through the batched sampler (BatchGenerator). Prompts whose
// indices are consecutive go into one request, so a batch of B prompts × N samples decodes together.
import Generation
import Tokenizers

/// A teacher that samples from a local model.
///
/// Completion `g` of the problem with index `i` uses the sampler's stream `(seed, i, g)`: the same problem gets
/// the same completions whichever batch it is in (and after a resume).
///
/// ```swift
/// let teacher = LocalTeacher(name: "smollm2", sampler: BatchGenerator(model: model), tokenizer: tokenizer,
///                            chatTemplate: .smolLM2)
/// ```
public final class LocalTeacher: Teacher {
    public let name: String
    /// How conversations become prompt text.
    public let chatTemplate: ChatTemplate
    private let sampler: any CompletionSampler
    private let tokenizer: any Tokenizer

    /// Creates a local teacher.
    /// - Parameters:
    ///   - name: report name.
    ///   - sampler: the batched sampler over the model (not shared with other threads while sampling).
    ///   - tokenizer: the model's tokenizer.
    ///   - chatTemplate: the chat format (`ChatTemplate(for: tokenizer)` for instruct models, `.r1Zero` for base models).
    public init(name: String, sampler: any CompletionSampler, tokenizer: any Tokenizer, chatTemplate: ChatTemplate) {
        self.name = name
        self.sampler = sampler
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
    }

    /// Prompt ids of a conversation (sequence tokens added only for the plain-text R1-Zero template).
    /// - Parameter messages: the conversation.
    /// - Returns: token ids, `[T]`.
    public func promptTokens(_ messages: [ChatMessage]) -> [Int32] {
        tokenizer.encode(chatTemplate.render(messages, addGenerationPrompt: true), addSpecialTokens: chatTemplate == .r1Zero)
    }

    public func sample(_ prompts: [TeacherPrompt], count: Int, sampling: TeacherSampling) throws -> [[TeacherCompletion]] {
        try sampling.validate()
        guard count >= 1 else { throw DistillationError.invalidConfiguration(field: "samples", value: "\(count)", rule: "must be >= 1") }
        let parameters = SamplingParameters(temperature: Float(sampling.temperature), topK: sampling.topK, topP: Float(sampling.topP),
                                            maxNewTokens: sampling.maxTokens, seed: sampling.seed,
                                            stopTokenIDs: tokenizer.eosTokenIds, stopStrings: sampling.stop)
        var out: [[TeacherCompletion]] = []
        var start = 0
        while start < prompts.count {
            var end = start + 1
            while end < prompts.count && prompts[end].index == prompts[end - 1].index + 1 { end += 1 }
            let run = prompts[start..<end]
            let request = CompletionRequest(prompts: run.map { promptTokens($0.messages) }, samplesPerPrompt: count,
                                            parameters: parameters, firstPromptIndex: run.first!.index)
            let tokenizer = self.tokenizer
            let batch: CompletionBatch
            do {
                batch = try sampler.complete(request, decoder: { tokenizer.decode($0, skipSpecialTokens: false) })
            } catch {
                throw DistillationError.generationFailed(reason: String(describing: error))
            }
            for p in 0..<run.count {
                out.append(batch.completions[(p * count)..<((p + 1) * count)].map { c in
                    var text = tokenizer.decode(c.tokens, skipSpecialTokens: true)
                    if case let .stop(.string(stop)) = c.finishReason, let r = text.range(of: stop) { text = String(text[..<r.lowerBound]) }
                    return TeacherCompletion(text: text, tokenCount: c.tokens.count, stopped: c.finishReason.isStop)
                })
            }
            start = end
        }
        return out
    }
}
