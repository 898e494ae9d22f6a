// JSONLinesWriter.swift — appends one JSON object per line (metrics.jsonl, samples.jsonl). Keys are
// sorted so files diff cleanly; NaN and infinities are written as the strings "NaN", "Infinity", "-Infinity".

import Foundation

/// An append-only JSON Lines file.
public final class JSONLinesWriter {
    /// The file.
    public let url: URL
    private let handle: FileHandle
    private let encoder: JSONEncoder

    /// Opens `url` for appending, creating it if needed.
    /// - Throws: `TrainingError.writeFailed`.
    public init(url: URL) throws {
        self.url = url
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw TrainingError.writeFailed(path: url.path, reason: "cannot create the file")
            }
        }
        do {
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw TrainingError.writeFailed(path: url.path, reason: "\(error)")
        }
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    }

    deinit { try? handle.close() }

    /// Appends `value` as one line.
    /// - Throws: `TrainingError.writeFailed` if encoding or writing fails.
    public func append<T: Encodable>(_ value: T) throws {
        do {
            var line = try encoder.encode(value)
            line.append(0x0A)
            try handle.write(contentsOf: line)
        } catch {
            throw TrainingError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// Flushes to disk (fsync).
    public func flush() throws {
        do { try handle.synchronize() } catch { throw TrainingError.writeFailed(path: url.path, reason: "\(error)") }
    }
}
