// PipelineState.swift — what has finished, kept in OUTPUT/pipeline-state.json and rewritten atomically.

import Foundation
import Training

/// Progress of a pipeline run; survives interruption so a rerun continues at the first unfinished step.
public struct PipelineState: Codable, Sendable, Equatable {
    /// Progress of one stage.
    public struct StageRecord: Codable, Sendable, Equatable {
        /// The stage's fingerprint when it started (see `StagePlan.fingerprint`).
        public var fingerprint: String
        /// Steps of the stage that completed.
        public var completedSteps: Int
        /// Whether every step completed and the outputs exist.
        public var finished: Bool
        /// Wall seconds spent in the stage over all attempts.
        public var seconds: Double
    }

    /// Records by stage name.
    public var stages: [String: StageRecord] = [:]

    /// Creates an empty state.
    public init() {}

    /// The state file of an output directory.
    public static func url(in directory: URL) -> URL { directory.appendingPathComponent("pipeline-state.json") }

    /// Reads the state of an output directory (empty when there is none yet).
    /// - Throws: `PipelineError.corruptState`.
    public static func load(from directory: URL) throws -> PipelineState {
        let url = url(in: directory)
        guard FileManager.default.fileExists(atPath: url.path) else { return PipelineState() }
        do { return try JSONDecoder().decode(PipelineState.self, from: Data(contentsOf: url)) } catch {
            throw PipelineError.corruptState(path: url.path, reason: "\(error)")
        }
    }

    /// Writes the state atomically.
    /// - Throws: `PipelineError.writeFailed`.
    public func save(to directory: URL) throws {
        let url = Self.url(in: directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try AtomicFile.write(try encoder.encode(self), to: url) } catch {
            throw PipelineError.writeFailed(path: url.path, reason: "\(error)")
        }
    }
}
