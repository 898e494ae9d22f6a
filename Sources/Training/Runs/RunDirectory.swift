// RunDirectory.swift — the on-disk layout of one training run:
//   <run>/config.yaml, config.json     resolved configuration (every key)
//   <run>/metrics.jsonl                {"step": s, "wall_time": t, "<metric>": value, ...} per logged step
//   <run>/samples.jsonl                one SampleRecord per logged completion
//   <run>/tensorboard/events.out.tfevents.*   the same metrics as TensorBoard scalars
//   <run>/checkpoints/step-<8 digits>/        atomic checkpoints (CheckpointStore)

import Foundation

/// One sampled completion as logged to samples.jsonl (TRL's completion table columns).
public struct SampleRecord: Codable, Sendable, Equatable {
    /// Optimizer step at which it was sampled.
    public var step: Int
    /// Prompt text.
    public var prompt: String
    /// Completion text.
    public var completion: String
    /// Reward of each reward function (nil = not applicable).
    public var rewards: [String: Double?]
    /// Weighted total reward.
    public var reward: Double
    /// Advantage.
    public var advantage: Double
    /// Completion length in tokens.
    public var completionTokens: Int
    /// Whether it hit the length limit.
    public var truncated: Bool

    /// Creates a record.
    public init(step: Int, prompt: String, completion: String, rewards: [String: Double?], reward: Double,
                advantage: Double, completionTokens: Int, truncated: Bool) {
        self.step = step
        self.prompt = prompt
        self.completion = completion
        self.rewards = rewards
        self.reward = reward
        self.advantage = advantage
        self.completionTokens = completionTokens
        self.truncated = truncated
    }

    private enum CodingKeys: String, CodingKey {
        case step, prompt, completion, rewards, reward, advantage
        case completionTokens = "completion_tokens", truncated
    }
}

/// A run directory with its log writers. Not thread-safe: use from the training loop only.
///
/// ```swift
/// let run = try RunDirectory(url: URL(fileURLWithPath: "runs/gsm8k-001"))
/// try run.writeConfiguration(configuration)
/// try run.log(metrics: ["reward": 0.4, "kl": 0.001], step: 10)
/// ```
public final class RunDirectory {
    /// Root of the run.
    public let url: URL
    /// metrics.jsonl
    public var metricsURL: URL { url.appendingPathComponent("metrics.jsonl") }
    /// samples.jsonl
    public var samplesURL: URL { url.appendingPathComponent("samples.jsonl") }
    /// tensorboard/
    public var tensorBoardDirectory: URL { url.appendingPathComponent("tensorboard", isDirectory: true) }
    /// checkpoints/
    public var checkpointsDirectory: URL { url.appendingPathComponent("checkpoints", isDirectory: true) }

    private var metricsWriter: JSONLinesWriter?
    private var samplesWriter: JSONLinesWriter?
    private var tensorBoard: TensorBoardWriter?
    private let writesTensorBoard: Bool

    /// Opens (creating if needed) a run directory; existing logs are appended to, as on resume.
    /// - Parameters:
    ///   - url: the run root.
    ///   - tensorBoard: whether to also write TensorBoard event files.
    /// - Throws: `TrainingError.writeFailed` if the directories cannot be created.
    public init(url: URL, tensorBoard: Bool = true) throws {
        self.url = url
        self.writesTensorBoard = tensorBoard
        do {
            for directory in [url, checkpointsDirectory] + (tensorBoard ? [tensorBoardDirectory] : []) {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw TrainingError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// Writes config.yaml and config.json with every key of the resolved configuration.
    /// - Throws: `TrainingError.writeFailed`.
    public func writeConfiguration(_ configuration: GRPOConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        do {
            try AtomicFile.write(Data(try configuration.yaml().utf8), to: url.appendingPathComponent("config.yaml"))
            try AtomicFile.write(try encoder.encode(configuration), to: url.appendingPathComponent("config.json"))
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError.writeFailed(path: url.appendingPathComponent("config.yaml").path, reason: "\(error)")
        }
    }

    /// Appends a metrics line (and TensorBoard scalars: training metrics under `train/`; metrics already in
    /// a section of their own — `eval/…`, `eval_loss` — keep their name, so evaluation curves get their own panel).
    /// - Parameters:
    ///   - metrics: metric name → value (TRL names: reward, reward_std, kl, clip_ratio/low_mean, …).
    ///   - step: optimizer step.
    ///   - wallTime: seconds since 1970.
    /// - Throws: `TrainingError.writeFailed`.
    public func log(metrics: [String: Double], step: Int, wallTime: Double = Date().timeIntervalSince1970) throws {
        if metricsWriter == nil { metricsWriter = try JSONLinesWriter(url: metricsURL) }
        try metricsWriter?.append(MetricsLine(step: step, wallTime: wallTime, metrics: metrics))
        if writesTensorBoard {
            if tensorBoard == nil { tensorBoard = try TensorBoardWriter(directory: tensorBoardDirectory, wallTime: wallTime) }
            try tensorBoard?.add(scalars: Dictionary(uniqueKeysWithValues: metrics.map { (Self.tensorBoardTag($0.key), $0.value) }),
                                 step: step, wallTime: wallTime)
        }
    }

    /// Appends completion records to samples.jsonl.
    /// - Throws: `TrainingError.writeFailed`.
    public func log(samples: [SampleRecord]) throws {
        if samplesWriter == nil { samplesWriter = try JSONLinesWriter(url: samplesURL) }
        for sample in samples { try samplesWriter?.append(sample) }
    }

    /// Flushes every open log to disk (call before a checkpoint and at exit).
    /// - Throws: `TrainingError.writeFailed`.
    public func flush() throws {
        try metricsWriter?.flush()
        try samplesWriter?.flush()
        try tensorBoard?.flush()
    }

    /// Directory of the checkpoint for `step`: checkpoints/step-00000100.
    public func checkpointURL(step: Int) -> URL {
        checkpointsDirectory.appendingPathComponent(String(format: "step-%08d", step), isDirectory: true)
    }

    /// One metrics.jsonl line: step and wall_time beside the metrics, flat.
    struct MetricsLine: Encodable {
        let step: Int
        let wallTime: Double
        let metrics: [String: Double]

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            try container.encode(step, forKey: AnyCodingKey("step"))
            try container.encode(wallTime, forKey: AnyCodingKey("wall_time"))
            for (key, value) in metrics where key != "step" && key != "wall_time" {
                try container.encode(value, forKey: AnyCodingKey(key))
            }
        }
    }

    /// The TensorBoard tag of a metric: `eval/…` and `eval_…` metrics keep their name, the rest go under `train/`.
    static func tensorBoardTag(_ key: String) -> String {
        key.hasPrefix("eval/") || key.hasPrefix("eval_") ? key : "train/" + key
    }
}
