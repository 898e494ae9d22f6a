// EvaluationResultsStore: the on-disk state of a resumable evaluation — `settings.json` (what is evaluated)
// and `problems.jsonl` (one ProblemRecord per line, appended as problems finish), plus `report.json` at the end.

import Foundation

/// What an evaluation run is, so a restart can check it resumes the same evaluation.
public struct EvaluationIdentity: Codable, Sendable, Equatable {
    /// Task name.
    public var task: String
    /// Prompt style name.
    public var promptStyle: String
    /// Settings.
    public var configuration: EvaluationConfiguration
    /// Ids of the problems, in evaluation order.
    public var problemIDs: [String?]

    /// Creates an identity.
    /// - Parameters:
    ///   - task: task name.
    ///   - promptStyle: prompt style name.
    ///   - configuration: settings.
    ///   - problemIDs: problem ids in order.
    public init(task: String, promptStyle: String, configuration: EvaluationConfiguration, problemIDs: [String?]) {
        self.task = task
        self.promptStyle = promptStyle
        self.configuration = configuration
        self.problemIDs = problemIDs
    }
}

/// A results directory: settings, per-problem records (JSONL, appended), final report.
public struct EvaluationResultsStore: Sendable {
    /// The directory.
    public let directory: URL
    /// `settings.json`.
    public var settingsURL: URL { directory.appendingPathComponent("settings.json") }
    /// `problems.jsonl`.
    public var recordsURL: URL { directory.appendingPathComponent("problems.jsonl") }
    /// `report.json`.
    public var reportURL: URL { directory.appendingPathComponent("report.json") }

    /// Creates a store (nothing is touched until `open`).
    /// - Parameter directory: the results directory.
    public init(directory: URL) { self.directory = directory }

    /// Opens the store for an evaluation: creates it, or checks that it holds the same evaluation and returns its
    /// records. A last line cut short by an interruption is dropped (and removed from the file).
    /// - Parameter identity: the evaluation about to run.
    /// - Returns: the records already present, by problem index.
    /// - Throws: `EvaluationError.resumeMismatch` for a different evaluation, `.resultsFile` for I/O or parse errors.
    public func open(for identity: EvaluationIdentity) throws(EvaluationError) -> [Int: ProblemRecord] {
        let fm = FileManager.default
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .resultsFile(path: directory.path, line: nil, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        if let data = fm.contents(atPath: settingsURL.path) {
            let existing: EvaluationIdentity
            do { existing = try JSONDecoder().decode(EvaluationIdentity.self, from: data) } catch {
                throw .resultsFile(path: settingsURL.path, line: nil, reason: "not evaluation settings (\(error))")
            }
            if existing != identity {
                throw .resumeMismatch(path: directory.path, reason: Self.difference(existing, identity))
            }
        } else {
            do { try encoder.encode(identity).write(to: settingsURL, options: .atomic) } catch {
                throw .resultsFile(path: settingsURL.path, line: nil, reason: "cannot write: \(error.localizedDescription)")
            }
        }
        guard let data = fm.contents(atPath: recordsURL.path) else {
            guard fm.createFile(atPath: recordsURL.path, contents: nil) else {
                throw .resultsFile(path: recordsURL.path, line: nil, reason: "cannot create the file")
            }
            return [:]
        }
        var records: [Int: ProblemRecord] = [:]
        var validBytes = 0
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var offset = 0
        for (n, line) in lines.enumerated() {
            let isLast = n == lines.count - 1
            defer { offset += line.count + 1 }
            if line.isEmpty { continue }
            guard let record = try? JSONDecoder().decode(ProblemRecord.self, from: Data(line)) else {
                if isLast { break }   // an interrupted write: no newline yet, dropped below
                throw .resultsFile(path: recordsURL.path, line: n + 1, reason: "not a problem record; delete the directory to start over")
            }
            guard record.index >= 0, record.index < identity.problemIDs.count, identity.problemIDs[record.index] == record.id else {
                throw .resultsFile(path: recordsURL.path, line: n + 1, reason: "record for problem \(record.index) (\(record.id ?? "no id")) is not in this evaluation")
            }
            records[record.index] = record
            validBytes = offset + line.count + (isLast ? 0 : 1)
        }
        var kept = Data(data.prefix(validBytes))
        if let last = kept.last, last != UInt8(ascii: "\n") { kept.append(UInt8(ascii: "\n")) }
        if kept != data {
            do { try kept.write(to: recordsURL, options: .atomic) } catch {
                throw .resultsFile(path: recordsURL.path, line: nil, reason: "cannot drop the incomplete last line: \(error.localizedDescription)")
            }
        }
        return records
    }

    /// Appends one record as a JSON line.
    /// - Parameter record: the record.
    /// - Throws: `EvaluationError.resultsFile`.
    public func append(_ record: ProblemRecord) throws(EvaluationError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            var line = try encoder.encode(record)
            line.append(UInt8(ascii: "\n"))
            let handle = try FileHandle(forWritingTo: recordsURL)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } catch {
            throw .resultsFile(path: recordsURL.path, line: nil, reason: "cannot append problem \(record.index): \(error.localizedDescription)")
        }
    }

    /// Writes the final report.
    /// - Parameter report: the report.
    /// - Throws: `EvaluationError.resultsFile`.
    public func write(_ report: EvaluationReport) throws(EvaluationError) {
        do { try report.json().write(to: reportURL, options: .atomic) } catch {
            throw .resultsFile(path: reportURL.path, line: nil, reason: "cannot write the report: \(error.localizedDescription)")
        }
    }

    static func difference(_ a: EvaluationIdentity, _ b: EvaluationIdentity) -> String {
        if a.task != b.task { return "task \(a.task) vs \(b.task)" }
        if a.promptStyle != b.promptStyle { return "prompt style \(a.promptStyle) vs \(b.promptStyle)" }
        if a.configuration != b.configuration { return "different sampling settings" }
        return "different problems (\(a.problemIDs.count) vs \(b.problemIDs.count))"
    }
}
