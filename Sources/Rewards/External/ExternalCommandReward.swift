// ExternalCommandReward.swift — rewards written in any language: a long-lived child process that speaks
// JSON Lines over stdin/stdout, one request line per batch and one response line back.

import Foundation

/// A reward computed by an external command (a long-lived child process), batched over JSON Lines.
///
/// ## Protocol (version 1)
/// The command is started once, on the first batch, with the given arguments and the parent's
/// environment. For every batch the reward writes **one line** (UTF-8 JSON, `\n`-terminated) to the
/// command's stdin:
///
///     {"version": 1, "reward": "<name>", "samples": [
///        {"id": "gsm8k/test/3" | null, "prompt": "...", "completion": "...", "gold": "..." | null,
///         "task": "math" | "code" | "countdown" | "generic", "token_count": 123 | null,
///         "metadata": {"key": "value", ...}}, ...]}
///
/// and reads **one line** back from its stdout:
///
///     {"scores": [1.0, 0.0, null, ...]}      one number (or null = not applicable) per sample, in order
///     {"error": "message"}                   the whole batch failed (the process keeps running)
///
/// The command must flush stdout after each response, print nothing else on stdout (logs go to
/// stderr; the last 2 KB of stderr are quoted in error messages), and exit when stdin closes. A stray
/// stdout line is taken as the response to the pending request (→ protocol error); output that arrives
/// between requests is discarded before the next request is sent.
///
/// Failures never stop a run; every sample of the batch is reported `.failed` with:
/// - `externalCommandTimedOut` — no response within the timeout: the process is killed and restarted on
///   the next batch;
/// - `externalCommandExited` — the process died (restarted on the next batch);
/// - `externalCommandProtocol` — the line is not JSON / not `{"scores": [...]}` / a score is not a number
///   or null (the process is killed and restarted, since its stream can no longer be trusted);
/// - `externalCommandWrongCount` — the number of scores differs from the number of samples;
/// - `externalCommandReportedError` — the command answered `{"error": ...}`.
///
/// Batches are serialised (one request in flight per command); use several instances for parallelism.
///
/// ```swift
/// let reward = ExternalCommandReward(name: "judge", executable: URL(fileURLWithPath: "/usr/bin/python3"),
///                                    arguments: ["my_reward.py"], timeout: 30)
/// ```
public struct ExternalCommandReward: RewardFunction {
    public let name: String
    /// Default seconds per batch when the caller gives no timeout.
    public let timeout: Double
    let process: ExternalCommandProcess

    /// Creates the reward (the command starts lazily on the first batch).
    /// - Parameters:
    ///   - name: reward name (sent as `"reward"`).
    ///   - executable: the program to run.
    ///   - arguments: its arguments.
    ///   - timeout: seconds per batch (default 60).
    public init(name: String, executable: URL, arguments: [String] = [], timeout: Double = 60) {
        self.name = name
        self.timeout = timeout
        process = ExternalCommandProcess(executable: executable, arguments: arguments)
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        let r = scoreBatch([RewardSample(example: example, completion: completion)], timeout: nil)[0]
        if case .failed(let e) = r { throw e }
        return r.value
    }

    public func scoreBatch(_ samples: [RewardSample], timeout: Double?) -> [RewardOutcome] {
        guard !samples.isEmpty else { return [] }
        do {
            let request = try Self.encodeRequest(reward: name, samples: samples)
            let scores = try process.exchange(request, expected: samples.count, timeout: timeout ?? self.timeout)
            return scores.map { $0.map(RewardOutcome.value) ?? .notApplicable }
        } catch let e as RewardsError {
            return Array(repeating: .failed(e), count: samples.count)
        } catch {
            return Array(repeating: .failed(.rewardThrew(reward: name, message: "\(error)")), count: samples.count)
        }
    }

    /// Stops the command (closes its stdin, then kills it if it has not exited within a second).
    public func shutdown() { process.shutdown() }

    /// The process id of the running command, or nil when it is not running (for tests and diagnostics).
    public var runningProcessID: Int32? { process.runningProcessID }

    static func encodeRequest(reward: String, samples: [RewardSample]) throws -> Data {
        let list: [[String: Any]] = samples.map { s in
            [
                "id": s.example.id as Any? ?? NSNull(),
                "prompt": s.example.prompt,
                "completion": s.completion.text,
                "gold": s.example.goldAnswer as Any? ?? NSNull(),
                "task": s.example.kind.name,
                "token_count": s.completion.tokenCount as Any? ?? NSNull(),
                "metadata": s.example.metadata,
            ]
        }
        var data = try JSONSerialization.data(withJSONObject: ["version": 1, "reward": reward, "samples": list] as [String: Any],
                                              options: [.withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }

    /// Parses one response line.
    /// - Returns: the scores.
    /// - Throws: protocol, count, or reported errors.
    static func decodeResponse(_ line: Data, expected: Int, command: String) throws -> [Double?] {
        let text = String(decoding: line, as: UTF8.self)
        guard let obj = try? JSONSerialization.jsonObject(with: line, options: []) else {
            throw RewardsError.externalCommandProtocol(command: command, reason: "the response line is not JSON", line: text)
        }
        guard let dict = obj as? [String: Any] else {
            throw RewardsError.externalCommandProtocol(command: command, reason: "the response is not a JSON object", line: text)
        }
        if let message = dict["error"] {
            throw RewardsError.externalCommandReportedError(command: command, message: "\(message)")
        }
        guard dict["scores"] is [Any] else {
            throw RewardsError.externalCommandProtocol(command: command, reason: "the response has no \"scores\" array", line: text)
        }
        struct Scores: Decodable { var scores: [Double?] }
        guard let scores = try? JSONDecoder().decode(Scores.self, from: line).scores else {
            throw RewardsError.externalCommandProtocol(command: command, reason: "a score is neither a number nor null", line: text)
        }
        guard scores.count == expected else {
            throw RewardsError.externalCommandWrongCount(command: command, expected: expected, received: scores.count)
        }
        return scores
    }
}
