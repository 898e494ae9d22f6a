// TaskSpec+Distillation: where `r1 distill`'s prompts come from — a task spec parsed by Rewards' `TaskSpec`
// (`--task`) or a user JSONL file of prompt/answer records (`--data`, `TaskSpec(jsonl:)`) — and the verifier
// that goes with them. Distillation reads dataset files as the train split and `.jsonl` specs with its own
// reader below (only `prompt`/`answer`/`id`), not `JSONLTask` (which `r1 eval` uses).
import Foundation
import Rewards

extension TaskSpec {
    /// The examples and the verifier that scores completions of them.
    /// - Parameters:
    ///   - registry: supplies the `accuracy` verifier (math verifier, countdown, code sandbox when configured).
    ///   - count: how many examples (generated tasks need it; datasets give all rows when nil, else a seeded sample).
    ///   - seed: generator / sampling seed.
    /// - Returns: examples and verifier.
    /// - Throws: `DistillationError` for unreadable files, `RewardsError` from the task.
    public func loadPrompts(registry: RewardRegistry, count: Int?, seed: UInt64) throws -> (examples: [RewardExample], verifier: any RewardFunction) {
        switch kind {
        case .arithmetic, .countdown:
            let task = try makeTask(registry: registry, datasetSplit: .train)
            return (try task.examples(split: .train, count: count ?? 100, seed: seed), task.reward)
        case .dataset:
            let task = try makeTask(registry: registry, datasetSplit: .train)
            return (try task.examples(split: .train, count: count, seed: seed), task.reward)
        case let .jsonl(url):
            var examples = try Self.readPromptFile(url)
            if let count, count < examples.count { examples = Array(examples.prefix(count)) }
            return (examples, try registry.make("accuracy"))
        }
    }

    /// Reads `{"prompt": String, "answer": String|Number, "id"?: String}` lines (blank lines skipped).
    /// - Parameter url: the file.
    /// - Returns: math examples in file order.
    /// - Throws: `DistillationError.unreadableInput` naming the file and line.
    public static func readPromptFile(_ url: URL) throws(DistillationError) -> [RewardExample] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadableInput(path: url.path, line: nil, reason: error.localizedDescription) }
        var out: [RewardExample] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw .unreadableInput(path: url.path, line: i + 1, reason: "not a JSON object")
            }
            guard let prompt = object["prompt"] as? String, !prompt.isEmpty else {
                throw .unreadableInput(path: url.path, line: i + 1, reason: "missing or empty \"prompt\" string")
            }
            let answer: String
            if let s = object["answer"] as? String { answer = s } else if let n = object["answer"] as? NSNumber { answer = n.stringValue } else {
                throw .unreadableInput(path: url.path, line: i + 1, reason: "missing \"answer\" (a string or number)")
            }
            let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue
            out.append(RewardExample(id: id, prompt: prompt, goldAnswer: answer, kind: .math))
        }
        return out
    }
}
