// DistillationOutput: the files of a distillation run and how a run resumes. The dataset (`OUT.jsonl`) gets a
// prompt's lines first, then `OUT.progress.jsonl` gets that prompt's stats line; a prompt is done once its stats
// line is complete. On resume, a torn last line and dataset lines of prompts that are not done (a crash between
// the two writes) are cut off, and the settings must match `OUT.config.json`.
import Foundation

/// The dataset, progress and settings files of one output, opened for appending.
final class DistillationOutput {
    let dataset: URL
    let progressURL: URL
    let configURL: URL
    let statsURL: URL
    /// Stats of the prompts already done, by id.
    private(set) var done: [String: PromptStats] = [:]
    private var datasetHandle: FileHandle?
    private var progressHandle: FileHandle?

    /// The side files of a dataset path.
    static func sidePaths(_ dataset: URL) -> (progress: URL, config: URL, stats: URL) {
        let base = dataset.pathExtension == "jsonl" ? dataset.deletingPathExtension() : dataset
        return (URL(fileURLWithPath: base.path + ".progress.jsonl"), URL(fileURLWithPath: base.path + ".config.json"),
                URL(fileURLWithPath: base.path + ".stats.json"))
    }

    /// Opens (creating or resuming) an output.
    /// - Parameters:
    ///   - dataset: the dataset path.
    ///   - settings: the run's settings as JSON, compared with the saved ones on resume.
    ///   - overwrite: start over, deleting existing files.
    /// - Throws: `DistillationError.unresumableOutput` or `.writeFailed`.
    init(dataset: URL, settings: Data, overwrite: Bool) throws {
        self.dataset = dataset
        let side = Self.sidePaths(dataset)
        progressURL = side.progress
        configURL = side.config
        statsURL = side.stats
        let fm = FileManager.default
        if overwrite {
            for url in [dataset, progressURL, configURL, statsURL] where fm.fileExists(atPath: url.path) {
                try? fm.removeItem(at: url)
            }
        }
        if fm.fileExists(atPath: configURL.path) {
            let saved = (try? Data(contentsOf: configURL)) ?? Data()
            guard saved == settings else {
                throw DistillationError.unresumableOutput(path: dataset.path,
                    reason: "it was written with other settings (\(configURL.lastPathComponent) differs); pass --overwrite to start over")
            }
        } else {
            if fm.fileExists(atPath: dataset.path), ((try? fm.attributesOfItem(atPath: dataset.path)[.size] as? Int) ?? 0) > 0 {
                throw DistillationError.unresumableOutput(path: dataset.path, reason: "it exists but has no \(configURL.lastPathComponent); it was not written by r1 distill")
            }
            do { try settings.write(to: configURL) } catch { throw DistillationError.writeFailed(path: configURL.path, reason: error.localizedDescription) }
        }
        done = try Self.recoverProgress(progressURL)
        try Self.recoverDataset(dataset, done: done)
        datasetHandle = try Self.openForAppend(dataset)
        progressHandle = try Self.openForAppend(progressURL)
    }

    deinit {
        try? datasetHandle?.close()
        try? progressHandle?.close()
    }

    /// Appends a prompt's lines, then its stats line (the prompt is done once the second write completes).
    func append(records: [DistilledExample], stats: PromptStats) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines = Data()
        for r in records { lines.append(try encoder.encode(r)); lines.append(0x0A) }
        var statsLine = try encoder.encode(stats)
        statsLine.append(0x0A)
        do {
            if !lines.isEmpty { try datasetHandle?.write(contentsOf: lines) }
            try progressHandle?.write(contentsOf: statsLine)
        } catch {
            throw DistillationError.writeFailed(path: dataset.path, reason: error.localizedDescription)
        }
        done[stats.promptID] = stats
    }

    /// Writes the stats report.
    func writeReport(_ report: DistillationReport) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do { try encoder.encode(report).write(to: statsURL) } catch {
            throw DistillationError.writeFailed(path: statsURL.path, reason: error.localizedDescription)
        }
    }

    static func openForAppend(_ url: URL) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw DistillationError.writeFailed(path: url.path, reason: "cannot create the file")
            }
        }
        do {
            let h = try FileHandle(forWritingTo: url)
            try h.seekToEnd()
            return h
        } catch {
            throw DistillationError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Complete lines of a file with their end offsets; a last line without a newline is torn.
    static func lines(_ url: URL) -> [(text: Data, end: Int)] {
        guard let data = try? Data(contentsOf: url) else { return [] }
        var out: [(Data, Int)] = []
        var start = 0
        let bytes = [UInt8](data)
        for (i, b) in bytes.enumerated() where b == 0x0A {
            out.append((Data(bytes[start..<i]), i + 1))
            start = i + 1
        }
        return out
    }

    static func truncate(_ url: URL, to length: Int) throws {
        guard let h = try? FileHandle(forWritingTo: url) else { return }
        defer { try? h.close() }
        do { try h.truncate(atOffset: UInt64(length)) } catch {
            throw DistillationError.writeFailed(path: url.path, reason: "cannot truncate: \(error.localizedDescription)")
        }
    }

    /// Reads the progress file, cutting a torn or unreadable tail.
    static func recoverProgress(_ url: URL) throws -> [String: PromptStats] {
        var done: [String: PromptStats] = [:]
        var good = 0
        for (text, end) in lines(url) {
            guard let s = try? JSONDecoder().decode(PromptStats.self, from: text) else { break }
            done[s.promptID] = s
            good = end
        }
        if FileManager.default.fileExists(atPath: url.path) { try truncate(url, to: good) }
        return done
    }

    /// Cuts dataset lines of prompts that are not done (and a torn tail); checks the kept counts of done prompts.
    static func recoverDataset(_ url: URL, done: [String: PromptStats]) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        var good = 0
        var counts: [String: Int] = [:]
        for (text, end) in lines(url) {
            guard let r = try? JSONDecoder().decode(DistilledExample.self, from: text), done[r.promptID] != nil else { break }
            counts[r.promptID, default: 0] += 1
            good = end
        }
        try truncate(url, to: good)
        for (id, s) in done where counts[id, default: 0] != s.kept {
            throw DistillationError.unresumableOutput(path: url.path,
                reason: "prompt \(id) is marked done with \(s.kept) line(s) but the dataset holds \(counts[id, default: 0])")
        }
    }
}
