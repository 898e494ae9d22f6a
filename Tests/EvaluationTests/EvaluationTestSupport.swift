// EvaluationTestSupport.swift — a scripted CompletionSampler (fixed texts per problem and sample), fixture
// paths, temporary files and the accuracy reward used by the Evaluation tests.

import Foundation
import Generation
import Rewards
import Tokenizers

enum EvaluationFixtures {
    /// Fixtures/evaluation in the repository (found from this file's path).
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("evaluation")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("evaluation-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `{"prompt": …, "answer": …}` lines and returns the file.
    static func jsonlTask(_ problems: [(prompt: String, answer: String)]) throws -> JSONLTaskFile {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("problems.jsonl")
        let lines = try problems.map { p -> String in
            String(decoding: try JSONSerialization.data(withJSONObject: ["prompt": p.prompt, "answer": p.answer], options: [.sortedKeys]), as: UTF8.self)
        }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return JSONLTaskFile(url: url, directory: dir)
    }

    /// The registry's accuracy reward with the math verifier and no code sandbox.
    static func accuracy() throws -> any RewardFunction {
        try RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil)).make("accuracy")
    }
}

struct JSONLTaskFile {
    var url: URL
    var directory: URL
}

/// Returns scripted completions: sample `g` of problem `i` is `script(seed, i, g)`, tokenized with the
/// character tokenizer; `truncated(i, g)` samples end on the budget instead of EOS. Records every request.
final class ScriptedSampler: CompletionSampler, @unchecked Sendable {
    let tokenizer = CharacterTokenizer()
    let script: (UInt64, Int, Int) -> String
    let truncated: (Int, Int) -> Bool
    private(set) var requests: [CompletionRequest] = []
    /// Problem indices sampled, in order.
    var sampledProblems: [Int] { requests.flatMap { r in (0..<r.prompts.count).map { r.firstPromptIndex + $0 } } }

    init(truncated: @escaping (Int, Int) -> Bool = { _, _ in false }, script: @escaping (UInt64, Int, Int) -> String) {
        self.script = script
        self.truncated = truncated
    }

    convenience init(texts: [[String]], truncated: @escaping (Int, Int) -> Bool = { _, _ in false }) {
        self.init(truncated: truncated) { _, i, g in texts[i][g] }
    }

    func complete(_ request: CompletionRequest, decoder: TokenTextDecoder?) throws -> CompletionBatch {
        requests.append(request)
        var completions: [Generation.Completion] = []
        for p in request.prompts.indices {
            let index = request.firstPromptIndex + p
            for g in 0..<request.samplesPerPrompt {
                var tokens = tokenizer.encode(script(request.parameters.seed, index, g), addSpecialTokens: false)
                let cut = truncated(index, g)
                if !cut { tokens.append(tokenizer.eosTokenIds[0]) }
                completions.append(Generation.Completion(
                    promptIndex: index, sampleIndex: g, tokens: tokens,
                    logProbabilities: Array(repeating: 0, count: tokens.count),
                    samplingLogProbabilities: Array(repeating: 0, count: tokens.count),
                    finishReason: cut ? .length : .stop(.token(tokenizer.eosTokenIds[0])),
                    promptTokenCount: request.prompts[p].count))
            }
        }
        return CompletionBatch(completions: completions, statistics: GenerationStatistics())
    }
}
