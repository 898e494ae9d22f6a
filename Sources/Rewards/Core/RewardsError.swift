// RewardsError.swift — every error the Rewards module throws or reports per sample.

/// Errors of the Rewards module. Each message says what went wrong, where, and what to do.
public enum RewardsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A reward function threw while scoring one sample.
    case rewardThrew(reward: String, message: String)
    /// A reward did not finish within its time budget (the sample is reported, the run goes on).
    case timedOut(reward: String, seconds: Double)
    /// A reward produced NaN or an infinity.
    case nonFiniteScore(reward: String, value: Double)
    /// A token-length reward was given a completion without `tokenCount`.
    case missingTokenCount(reward: String)
    /// A reward needs a gold answer the example does not have.
    case missingGoldAnswer(reward: String, exampleID: String?)
    /// A reward parameter has an invalid value.
    case invalidParameter(reward: String, parameter: String, value: String, expected: String)
    /// A reward was configured with a parameter it does not know.
    case unknownParameter(reward: String, parameter: String, allowed: [String])
    /// A recipe or CLI named a reward that is not registered.
    case unknownReward(name: String, available: [String])
    /// `rewards` and `reward_weights` have different lengths.
    case weightCountMismatch(rewards: Int, weights: Int)
    /// A JSON Lines file has a line that is not a JSON object.
    case malformedJSONLine(file: String, line: Int, reason: String)
    /// A JSON Lines record lacks a required field or has it with the wrong type.
    case missingField(file: String, line: Int, field: String, expected: String)
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A task was asked for something it cannot provide (unknown split, bad difficulty, …).
    case invalidTaskRequest(task: String, reason: String)
    /// A task spec on the command line (`--task gsm8k:PATH`, `arithmetic:3`, …) could not be understood.
    case invalidTaskSpec(spec: String, reason: String)
    /// The external reward command could not be started.
    case externalCommandFailedToStart(command: String, reason: String)
    /// The external reward command exited (or was killed) while a batch was pending.
    case externalCommandExited(command: String, status: Int32, stderrTail: String)
    /// The external reward command did not answer a batch in time (it is killed and restarted on the next batch).
    case externalCommandTimedOut(command: String, seconds: Double)
    /// The external reward command printed something that is not a valid response line.
    case externalCommandProtocol(command: String, reason: String, line: String)
    /// The external reward command returned a different number of scores than samples sent.
    case externalCommandWrongCount(command: String, expected: Int, received: Int)
    /// The external reward command answered with `{"error": ...}`.
    case externalCommandReportedError(command: String, message: String)
    /// Code execution could not run (no sandbox, no Python).
    case sandboxUnavailable(reason: String)

    public var description: String {
        switch self {
        case .rewardThrew(let r, let m):
            return "reward '\(r)' failed on this sample: \(m). The sample is excluded from this reward's statistics."
        case .timedOut(let r, let s):
            return "reward '\(r)' did not finish within \(s) s; the sample is excluded. Raise the reward's timeout or make the reward cheaper."
        case .nonFiniteScore(let r, let v):
            return "reward '\(r)' returned a non-finite score (\(v)); rewards must return finite numbers or nil."
        case .missingTokenCount(let r):
            return "reward '\(r)' measures length in tokens but the completion has no token_count; pass token counts or set length_unit: characters."
        case .missingGoldAnswer(let r, let id):
            return "reward '\(r)' needs a gold answer but example \(id ?? "(no id)") has none; add 'answer' to the data or drop this reward."
        case .invalidParameter(let r, let p, let v, let e):
            return "reward '\(r)': parameter '\(p)' = \(v) is invalid; expected \(e)."
        case .unknownParameter(let r, let p, let allowed):
            return "reward '\(r)' has no parameter '\(p)'; allowed: \(allowed.isEmpty ? "(none)" : allowed.joined(separator: ", "))."
        case .unknownReward(let n, let available):
            return "unknown reward '\(n)'; registered rewards: \(available.joined(separator: ", "))."
        case .weightCountMismatch(let r, let w):
            return "\(r) rewards but \(w) reward_weights; give one weight per reward (or none for all 1.0)."
        case .malformedJSONLine(let f, let l, let reason):
            return "\(f):\(l): not a JSON object (\(reason)); fix the line or read with malformed lines skipped."
        case .missingField(let f, let l, let field, let expected):
            return "\(f):\(l): field '\(field)' missing or not \(expected); every record of this format needs it."
        case .unreadableFile(let p, let reason):
            return "cannot read \(p): \(reason); check the path and permissions."
        case .invalidTaskRequest(let t, let reason):
            return "task '\(t)': \(reason)."
        case .invalidTaskSpec(let spec, let reason):
            return "cannot use task '\(spec)': \(reason). Write arithmetic[:LEVEL] (LEVEL 1…5), countdown, gsm8k:PATH, "
                + "math500:PATH, humaneval:PATH, mbpp:PATH or jsonl:PATH (a JSONL file of prompt/answer records)."
        case .externalCommandFailedToStart(let c, let reason):
            return "external reward command '\(c)' could not start: \(reason); check the path and that it is executable."
        case .externalCommandExited(let c, let status, let tail):
            return "external reward command '\(c)' exited with status \(status) while a batch was pending"
                + (tail.isEmpty ? "" : "; its stderr ended with: \(tail)")
                + ". It is restarted on the next batch."
        case .externalCommandTimedOut(let c, let s):
            return "external reward command '\(c)' did not answer within \(s) s; it was killed and is restarted on the next batch. Raise the timeout or speed it up."
        case .externalCommandProtocol(let c, let reason, let line):
            return "external reward command '\(c)' broke the JSON-lines protocol (\(reason)); it printed: \(line.prefix(200)). Print exactly one JSON object {\"scores\": [...]} per request line on stdout, logs on stderr."
        case .externalCommandWrongCount(let c, let expected, let received):
            return "external reward command '\(c)' returned \(received) scores for \(expected) samples; return one score (or null) per sample, in order."
        case .externalCommandReportedError(let c, let m):
            return "external reward command '\(c)' reported an error: \(m)."
        case .sandboxUnavailable(let reason):
            return "code cannot be executed: \(reason); install bubblewrap and python3 or drop the code reward."
        }
    }
}
