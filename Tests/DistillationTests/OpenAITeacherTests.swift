// Distillation through OpenAITeacher against an `r1 serve` server started by the test over a tiny model: every
// written line passes the verifier, per-prompt accept counts equal an independent recount made by querying the
// server directly, and endpoint failures name the URL and status. Also LocalTeacher's batch independence.
import Distillation
import Foundation
import Generation
import Rewards
import Serving
import TestSupport
import Testing
import Tokenizers

/// 1 when the completion starts with a lowercase ASCII letter (about a quarter of a random model's samples).
struct LowercaseStart: RewardFunction {
    let name = "lowercase_start"
    func score(_ completion: Rewards.Completion, for example: RewardExample) throws -> Double? {
        guard let first = completion.text.unicodeScalars.first else { return 0 }
        return ("a"..."z").contains(first) ? 1 : 0
    }
}

@Suite(.serialized) struct OpenAITeacherTests {
    static let examples = (0..<5).map { RewardExample(id: "t\($0)", prompt: "q\($0)", goldAnswer: nil, kind: .generic) }
    static let configuration = RejectionSamplingConfiguration(
        samplesPerPrompt: 6, requireStop: false, promptsPerBatch: 2,
        sampling: TeacherSampling(temperature: 1, topP: 1, maxTokens: 5, seed: 11),
        promptStyle: DistillationPromptStyle(system: "S", instruction: ""))

    struct Choices: Decodable {
        struct Choice: Decodable { struct Message: Decodable { var content: String }; var message: Message }
        var choices: [Choice]
    }

    @Test func distillsThroughTheServerAndMatchesAnIndependentRecount() async throws {
        let server = try await TinyServer.start(try TinyServer.engine())
        let directory = temporaryDirectory("openai-teacher")
        let output = directory.appendingPathComponent("sft.jsonl")
        let baseURL = server.baseURL
        let report = try await offPool {
            let teacher = try OpenAITeacher(configuration: .init(baseURL: baseURL, model: "tiny", maxRetries: 0))
            let sampler = try RejectionSampler(teacher: teacher, verifier: LowercaseStart(), configuration: Self.configuration)
            return try sampler.run(problems: DistillationProblem.list(Self.examples), output: output)
        }
        // Recount: ask the server for the same samples (seed + prompt index) and score them here.
        var expectedLines: [String] = []
        var expectedAccepted: [Int] = []
        for i in 0..<Self.examples.count {
            let body = #"{"model": "tiny", "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "q\#(i)"}], "#
                + #""n": 6, "temperature": 1, "top_p": 1, "max_tokens": 5, "seed": \#(11 + i)}"#
            let (status, data) = try await TinyServer.send(baseURL.appendingPathComponent("chat/completions"), body: body)
            #expect(status == 200)
            let texts = try JSONDecoder().decode(Choices.self, from: data).choices.map(\.message.content)
            let accepted = texts.filter { $0.unicodeScalars.first.map { ("a"..."z").contains($0) } ?? false }
            expectedAccepted.append(accepted.count)
            expectedLines += accepted
        }
        await server.stop()
        let records = try jsonLines(output, as: DistilledExample.self)
        #expect(records.map(\.completion) == expectedLines)
        #expect(report.perPrompt.map(\.accepted) == expectedAccepted)
        #expect(report.perPrompt.map { $0.sampled - $0.accepted } == expectedAccepted.map { 6 - $0 })
        #expect(report.perPrompt.map { $0.verdicts["incorrect", default: 0] } == expectedAccepted.map { 6 - $0 })
        #expect(report.sampled == 30)
        #expect(report.kept == records.count)
        #expect(records.count > 0 && records.count < 30, "the recount should see both outcomes (got \(records.count) of 30)")
        for r in records {
            #expect(try LowercaseStart().score(Rewards.Completion(r.completion), for: Self.examples[0]) == 1)
            #expect(r.messages.map(\.role) == [.system, .user, .assistant])
        }
    }

    @Test func endpointErrorsNameTheURLAndStatus() async throws {
        let server = try await TinyServer.start(try TinyServer.engine())
        let baseURL = server.baseURL
        let prompt = TeacherPrompt(index: 0, messages: [ChatMessage(role: .user, content: "x")])
        let wrongModel: (any Error)? = try await offPool {
            let teacher = try OpenAITeacher(configuration: .init(baseURL: baseURL, model: "nope", maxRetries: 0))
            do { _ = try teacher.sample([prompt], count: 1, sampling: TeacherSampling(maxTokens: 2)); return nil } catch { return error as? DistillationError }
        }
        await server.stop()
        let url = baseURL.appendingPathComponent("chat/completions").absoluteString
        guard case let .endpointStatus(gotURL, status, message)? = wrongModel as? DistillationError else {
            Issue.record("expected endpointStatus, got \(String(describing: wrongModel))"); return
        }
        #expect(gotURL == url)
        #expect(status == 404)
        #expect(message.contains("'nope' does not exist"))
        #expect((wrongModel as! DistillationError).description.contains("answered HTTP 404"))

        // Nothing listens on port 1: every attempt fails, the error counts them.
        let unreachable: (any Error)? = try await offPool {
            let teacher = try OpenAITeacher(configuration: .init(baseURL: URL(string: "http://127.0.0.1:1/v1")!, model: "m",
                                                                 timeoutSeconds: 5, maxRetries: 2, initialBackoffSeconds: 0))
            do { _ = try teacher.sample([prompt], count: 1, sampling: TeacherSampling(maxTokens: 2)); return nil } catch { return error as? DistillationError }
        }
        guard case let .endpointUnreachable(gotURL2, attempts, _)? = unreachable as? DistillationError else {
            Issue.record("expected endpointUnreachable, got \(String(describing: unreachable))"); return
        }
        #expect(gotURL2 == "http://127.0.0.1:1/v1/chat/completions")
        #expect(attempts == 3)
    }

    @Test func localTeacherSamplesDoNotDependOnTheBatch() throws {
        func teacher() throws -> LocalTeacher {
            LocalTeacher(name: "tiny", sampler: BatchGenerator(model: try TinyServer.model(), maximumConcurrentSequences: 16),
                         tokenizer: TinyServer.tokenizer, chatTemplate: .r1Zero)
        }
        let prompts = [0, 1, 3].map { TeacherPrompt(index: $0, messages: [ChatMessage(role: .system, content: "S"), ChatMessage(role: .user, content: "q\($0)")]) }
        let sampling = TeacherSampling(temperature: 1, topP: 1, maxTokens: 6, seed: 5)
        let together = try teacher().sample(prompts, count: 3, sampling: sampling)
        let alone = try prompts.map { try teacher().sample([$0], count: 3, sampling: sampling)[0] }
        #expect(together == alone)
        #expect(together.allSatisfy { $0.allSatisfy { ($0.tokenCount ?? 0) >= 1 } })
        #expect(Set(together.flatMap { $0.map(\.text) }).count > 1)
    }

    @Test func promptSourcesOfTaskSpecs() throws {
        let directory = temporaryDirectory("prompts")
        let file = directory.appendingPathComponent("p.jsonl")
        try Data(#"{"prompt": "1+1?", "answer": 2, "id": "a"}"#.utf8 + [0x0A] + #"{"prompt": "x"}"#.utf8 + [0x0A]).write(to: file)
        #expect(throws: DistillationError.unreadableInput(path: file.path, line: 2, reason: "missing \"answer\" (a string or number)")) {
            try TaskSpec.readPromptFile(file)
        }
        try Data(#"{"prompt": "1+1?", "answer": 2, "id": "a"}"#.utf8 + [0x0A, 0x0A] + #"{"prompt": "2+2?", "answer": "4"}"#.utf8).write(to: file)
        let examples = try TaskSpec.readPromptFile(file)
        #expect(examples.map(\.goldAnswer) == ["2", "4"])
        #expect(DistillationProblem.list(examples).map(\.id) == ["a", "row-1"])
        let registry = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil))
        // --data FILE: the distillation prompt reader (ids from "id" or nil), cut to --limit.
        let (fromData, _) = try TaskSpec(jsonl: file).loadPrompts(registry: registry, count: 1, seed: 1)
        #expect(fromData == Array(examples.prefix(1)))
        let (arithmetic, _) = try TaskSpec(parsing: "arithmetic:1").loadPrompts(registry: registry, count: 3, seed: 1)
        #expect(arithmetic.count == 3)
        #expect(arithmetic.allSatisfy { $0.goldAnswer != nil })
        // Dataset files are read as the train split: all rows without --limit.
        let gsm8k = directory.appendingPathComponent("g.jsonl")
        try Data((#"{"question": "1 + 2?", "answer": "1 + 2 = 3\n#### 3"}"#.utf8 + [0x0A]
                  + #"{"question": "2 + 2?", "answer": "2 + 2 = 4\n#### 4"}"#.utf8)).write(to: gsm8k)
        let (rows, _) = try TaskSpec(parsing: "gsm8k:\(gsm8k.path)").loadPrompts(registry: registry, count: nil, seed: 1)
        #expect(rows.map(\.goldAnswer) == ["3", "4"])
        #expect(rows.map(\.id) == ["gsm8k/train/1", "gsm8k/train/2"])
    }
}
