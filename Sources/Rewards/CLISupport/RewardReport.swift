// RewardReport.swift — library side of `r1 reward`: score a JSONL file of completions with named rewards
// and summarise per-reward mean/std (the numbers TRL logs as rewards/<name>/mean and /std).

import Foundation

/// The result of scoring a completions file; `render()` is what `r1 reward` prints.
public struct RewardReport: Sendable, Equatable {
    /// The scored file's name.
    public var file: String
    /// Number of scored samples.
    public var sampleCount: Int
    /// Per-reward statistics, then "reward" (weighted total).
    public var statistics: [RewardStatistics]
    /// Weights, in reward order.
    public var weights: [Double]
    /// Skipped malformed lines (only with `.skip`).
    public var skipped: [SkippedLine]
    /// Up to `maxFailureExamples` per-sample failures: (line, reward, message).
    public var failureExamples: [String]
    /// Samples scored per second (all rewards together, wall clock).
    public var samplesPerSecond: Double

    static let maxFailureExamples = 5

    /// Reads a completions file and scores it.
    ///
    /// Each line is a JSON object: `completion` (required string); optional `prompt`, `answer` (or
    /// `gold`/`solution`), `token_count`, `id`, `task` ("math", "countdown", "code", "generic"; default
    /// "math" when an answer is present, else "generic"), `numbers` + `target` (countdown), `test` +
    /// `entry_point` (HumanEval, with the function `prompt`), `test_list` + `test_imports` (MBPP).
    /// - Parameters:
    ///   - url: the JSONL file.
    ///   - reward: the combined reward.
    ///   - policy: malformed lines fail (default) or are skipped and reported.
    /// - Returns: the report.
    /// - Throws: `RewardsError` for unreadable files or (under `.fail`) malformed lines.
    public static func score(file url: URL, with reward: CombinedReward, policy: MalformedLinePolicy = .fail) throws -> RewardReport {
        let name = url.lastPathComponent
        let read = try JSONLReader.read(url, policy: policy) { try sample(from: $0, file: name) }
        let samples = read.values.map(\.sample)
        let start = DispatchTime.now().uptimeNanoseconds
        let scores = reward.score(samples)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var failures: [String] = []
        outer: for i in 0..<samples.count {
            for (k, n) in scores.names.enumerated() {
                if let e = scores.outcomes[k][i].error {
                    failures.append("\(name):\(read.values[i].line): \(n): \(e)")
                    if failures.count >= maxFailureExamples { break outer }
                }
            }
        }
        return RewardReport(file: name, sampleCount: samples.count, statistics: scores.statistics(), weights: scores.weights,
                            skipped: read.skipped, failureExamples: failures,
                            samplesPerSecond: seconds > 0 ? Double(samples.count) / seconds : 0)
    }

    static func sample(from r: JSONLReader.Record, file: String) throws -> (line: Int, sample: RewardSample) {
        let completion = try r.string("completion", file: file)
        let gold = r.scalarString("answer") ?? r.scalarString("gold") ?? r.scalarString("solution")
        let prompt = r.object["prompt"] as? String ?? ""
        let tokens: Int?
        switch r.object["token_count"] {
        case nil, is NSNull: tokens = nil
        case let n as NSNumber where n.doubleValue == n.doubleValue.rounded() && n.doubleValue >= 0: tokens = n.intValue
        default: throw RewardsError.missingField(file: file, line: r.line, field: "token_count", expected: "a non-negative integer")
        }
        let taskName = (r.object["task"] as? String) ?? (gold == nil ? "generic" : "math")
        let kind: TaskKind
        switch taskName {
        case "math": kind = .math
        case "generic": kind = .generic
        case "countdown":
            guard let numbers = r.object["numbers"] as? [Int] else {
                throw RewardsError.missingField(file: file, line: r.line, field: "numbers", expected: "an array of integers (countdown)")
            }
            guard let target = r.object["target"] as? Int else {
                throw RewardsError.missingField(file: file, line: r.line, field: "target", expected: "an integer (countdown)")
            }
            kind = .countdown(numbers: numbers, target: target)
        case "code":
            if let test = r.object["test"] as? String {
                kind = .code(.humanEval(prompt: prompt, test: test, entryPoint: try r.string("entry_point", file: file)))
            } else {
                let list = try r.strings("test_list", file: file)
                let imports = (r.object["test_imports"] as? [String]) ?? []
                kind = .code(.mbpp(testImports: imports, testList: list))
            }
        default:
            throw RewardsError.missingField(file: file, line: r.line, field: "task", expected: "one of math, countdown, code, generic")
        }
        let example = RewardExample(id: r.scalarString("id") ?? "\(file):\(r.line)", prompt: prompt, goldAnswer: gold, kind: kind)
        return (r.line, RewardSample(example: example, completion: Completion(completion, tokenCount: tokens)))
    }

    /// A plain-text table: one row per reward with weight, mean, std, counts.
    /// - Returns: the text `r1 reward` prints.
    public func render() -> String {
        func f(_ d: Double?) -> String { d.map { String(format: "%.4f", $0) } ?? "-" }
        var lines = ["\(file): \(sampleCount) samples" + (skipped.isEmpty ? "" : ", \(skipped.count) malformed lines skipped")]
        let width = max(8, statistics.map(\.name.count).max() ?? 8)
        lines.append("reward".padding(toLength: width, withPad: " ", startingAt: 0) + "  weight      mean       std   n  n/a  failed")
        for (i, s) in statistics.enumerated() {
            let w = i < weights.count ? String(format: "%6.2f", weights[i]) : "     -"
            lines.append(s.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(w)  "
                         + f(s.mean).leftPadded(8) + "  " + f(s.std).leftPadded(8) + "  " + String(s.count).leftPadded(2)
                         + "  " + String(s.notApplicable).leftPadded(3) + "  " + String(s.failed).leftPadded(6))
        }
        for s in skipped { lines.append("skipped \(s.error)") }
        for e in failureExamples { lines.append("failure \(e)") }
        return lines.joined(separator: "\n")
    }
}

extension RewardReport {
    /// The report as one JSON object (for `r1 reward --json` and logs): `file`, `samples`, `weights`,
    /// `statistics` (name, count, notApplicable, failed, mean, std), `skipped_lines`, `failures`,
    /// `samples_per_second`.
    /// - Returns: UTF-8 JSON text with sorted keys.
    /// - Throws: an encoding error (not expected for finite statistics).
    public func json() throws -> String {
        struct Payload: Encodable {
            var file: String
            var samples: Int
            var weights: [Double]
            var statistics: [RewardStatistics]
            var skipped_lines: [Int]
            var failures: [String]
            var samples_per_second: Double
        }
        let p = Payload(file: file, samples: sampleCount, weights: weights, statistics: statistics,
                        skipped_lines: skipped.map(\.line), failures: failureExamples, samples_per_second: samplesPerSecond)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(p), as: UTF8.self)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

/// Library side of `r1 verify`: compares a prediction with a gold answer and explains the verdict.
public enum AnswerVerification {
    /// Verifies and renders the verdict.
    /// - Parameters:
    ///   - gold: gold answer.
    ///   - prediction: predicted answer or completion.
    ///   - checker: the math verifier (MathVerification's, via `RewardEnvironment.standard()`).
    ///   - extraction: which part of `prediction` to verify (default: the whole text).
    /// - Returns: (verdict, text to print).
    /// - Throws: whatever the checker throws.
    public static func explain(gold: String, prediction: String, checker: any MathAnswerChecker,
                               extraction: AnswerExtractionMode = .full) throws -> (check: AnswerCheck, text: String) {
        let narrowed = extraction.extract(from: prediction)
        let check = try checker.check(gold: gold, prediction: narrowed ?? "")
        var lines = [check.isCorrect ? "EQUIVALENT" : (check.goldParsed ? "NOT EQUIVALENT" : "GOLD UNPARSEABLE (reward: not applicable)")]
        lines.append("gold:       \(check.extractedGold ?? "(none)")")
        lines.append("prediction: \(check.extractedPrediction ?? (narrowed == nil ? "(no \(extraction.rawValue) part)" : "(none)"))")
        if !check.explanation.isEmpty { lines.append("why:        \(check.explanation)") }
        return (check, lines.joined(separator: "\n"))
    }
}
