// GRPOEvaluationLog: eval.json of a run directory — every held-out evaluation of the run so far (step,
// `eval/…` metrics, console summary) and the newest one. Rewritten atomically after each evaluation, so
// it is complete at the end of a run and consistent after a kill; a resume drops the evaluations logged
// after its checkpoint.
import Foundation
import Training

/// The evaluation history of a run (eval.json).
public struct GRPOEvaluationLog: Codable, Sendable, Equatable {
    /// One evaluation.
    public struct Entry: Codable, Sendable, Equatable {
        /// GRPO steps completed when it ran (0: the starting model).
        public var step: Int
        /// `eval/…` metrics.
        public var metrics: [String: Double]
        /// Console summary.
        public var summary: String
        /// Path of the full report, relative to the run directory (nil when none was written).
        public var report: String?

        /// Creates an entry.
        /// - Parameters:
        ///   - step: steps completed.
        ///   - metrics: `eval/…` metrics.
        ///   - summary: console text.
        ///   - report: relative path of the full report.
        public init(step: Int, metrics: [String: Double], summary: String, report: String?) {
            self.step = step
            self.metrics = metrics
            self.summary = summary
            self.report = report
        }
    }

    /// Evaluations in step order.
    public var history: [Entry] = []
    /// The newest evaluation (the final one at the end of a run).
    public var last: Entry? { history.last }

    /// Creates an empty log.
    public init() {}

    private enum CodingKeys: String, CodingKey { case history, last }

    /// Decodes the history (the `last` field is derived and ignored).
    public init(from decoder: any Decoder) throws {
        history = try decoder.container(keyedBy: CodingKeys.self).decode([Entry].self, forKey: .history)
    }

    /// Encodes the history and, for readers, the newest entry as `last`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(history, forKey: .history)
        try container.encodeIfPresent(last, forKey: .last)
    }

    /// Reads eval.json (nil when absent or unreadable).
    /// - Parameter url: the file.
    /// - Returns: the log, or nil.
    public static func read(from url: URL) -> GRPOEvaluationLog? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(GRPOEvaluationLog.self, from: data)
    }

    /// Writes the log atomically, pretty-printed with sorted keys.
    /// - Parameter url: the file.
    /// - Throws: `TrainingError.writeFailed`.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw TrainingError.writeFailed(path: url.path, reason: "\(error)")
        }
        try AtomicFile.write(data, to: url)
    }
}
