// Distillation with the real SmolLM2-135M-Instruct GGUF: an `r1 serve`-equivalent server (OpenAIServer over
// BatchGenerator with the model's chat template) answers OpenAITeacher, which rejection-samples single-digit
// multiplications verified by the math verifier. Every written line must pass the verifier, and the per-prompt
// accept counts must agree with a recount of the same seeded samples drawn from the server directly.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Distillation
import Generation
import ModelFormats
import Models
import Rewards
import Serving
import Testing
import Tokenizers

@Suite(.serialized) struct DistillationRealModelTests {
    static let products = [(7, 8), (3, 4), (6, 9), (2, 5)]

    @Test func servedSmolLM2TeacherWritesOnlyVerifiedLines() async throws {
        let url = try ModelLocator.smolLM2()
        let model = try LlamaModel.load(gguf: url)
        let tokenizer = try BPETokenizer(gguf: GGUFFile(url: url))
        let template = try #require(ChatTemplate(for: tokenizer))
        let engine = ServingEngine(sampler: BatchGenerator(model: model, maximumConcurrentSequences: 16), tokenizer: tokenizer,
                                   chatTemplate: template, configuration: ServingConfiguration(port: 0, modelName: "smollm2"))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let serverTask = Task {
            defer { continuation.finish() }
            try await OpenAIServer(engine: engine).run { _, port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let baseURL = URL(string: "http://127.0.0.1:\(port)/v1")!

        let examples = Self.products.map { a, b in
            RewardExample(id: "\(a)x\(b)", prompt: "What is \(a) * \(b)? Answer with the number only.", goldAnswer: "\(a * b)", kind: .math)
        }
        let registry = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil))
        let verifier = try registry.make("accuracy")
        let configuration = RejectionSamplingConfiguration(
            samplesPerPrompt: 4, keep: .all, promptsPerBatch: 4,
            sampling: TeacherSampling(temperature: 0.7, topP: 0.95, maxTokens: 24, seed: 5),
            promptStyle: DistillationPromptStyle(instruction: ""))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("distill-real-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("sft.jsonl")

        let start = Date()
        let report: DistillationReport = try await withCheckedThrowingContinuation { c in
            Thread {
                c.resume(with: Result {
                    let teacher = try OpenAITeacher(configuration: .init(baseURL: baseURL, model: "smollm2", maxRetries: 0))
                    return try RejectionSampler(teacher: teacher, verifier: verifier, configuration: configuration)
                        .run(problems: DistillationProblem.list(examples), output: output)
                })
            }.start()
        }
        print("SmolLM2 distillation (\(String(format: "%.1f", Date().timeIntervalSince(start)))s): \(report.summary)")

        // Recount prompt 0 directly from the server with its seed (5 + 0): same samples, same verdicts.
        var request = URLRequest(url: baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        struct Body: Encodable { var model = "smollm2"; var messages: [ChatMessage]; var n = 4; var temperature = 0.7; var top_p = 0.95; var max_tokens = 24; var seed = 5 }
        request.httpBody = try JSONEncoder().encode(Body(messages: [ChatMessage(role: .user, content: examples[0].prompt)]))
        let data: Data = try await withCheckedThrowingContinuation { c in
            URLSession.shared.dataTask(with: request) { d, _, e in
                if let e { c.resume(throwing: e) } else { c.resume(returning: d ?? Data()) }
            }.resume()
        }
        serverTask.cancel()
        _ = await serverTask.result
        let response = try JSONDecoder().decode(ChatCompletionResponse.self, from: data)
        let recount = response.choices.filter { choice in
            choice.finishReason == "stop"
                && (try? verifier.score(Rewards.Completion(choice.message.content), for: examples[0])) == 1
        }.count

        #expect(report.prompts == 4 && report.sampled == 16)
        #expect(report.perPrompt[0].accepted == recount)
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == report.kept)
        #expect(report.kept == report.accepted, "keep all writes every accepted sample")
        for line in lines {
            let record = try JSONDecoder().decode(DistilledExample.self, from: Data(line.utf8))
            let example = try #require(examples.first { $0.id == record.promptID })
            #expect(try verifier.score(Rewards.Completion(record.completion), for: example) == 1, "\(record.completion)")
            #expect(record.messages.map(\.role) == [.user, .assistant])
        }
    }
}
