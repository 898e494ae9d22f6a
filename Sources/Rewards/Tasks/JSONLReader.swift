// JSONLReader.swift — JSON Lines reading with line-numbered errors or skip-with-report.

import Foundation

/// What to do with a line that is not a valid record.
public enum MalformedLinePolicy: String, Sendable, Codable, CaseIterable {
    /// Throw a `RewardsError` naming the file and line (default).
    case fail
    /// Skip the line and report it in `JSONLReader.Result.skipped`.
    case skip
}

/// A line that was skipped, with the error it would have thrown.
public struct SkippedLine: Sendable, Equatable {
    /// 1-based line number.
    public var line: Int
    /// The error.
    public var error: RewardsError
}

/// Reads JSON Lines files: one JSON object per line; blank lines are ignored.
public enum JSONLReader {
    /// One parsed record.
    public struct Record {
        /// 1-based line number.
        public var line: Int
        /// The object.
        public var object: [String: Any]
    }

    /// Reads every line of a file, then converts each object with `transform`.
    /// - Parameters:
    ///   - url: the file.
    ///   - policy: fail on (default) or skip malformed lines; `transform` errors count as malformed too.
    ///   - transform: record → value; throws `RewardsError.missingField` for bad records.
    /// - Returns: the values and the skipped lines.
    /// - Throws: `RewardsError.unreadableFile`, or the first malformed line's error under `.fail`.
    public static func read<T>(_ url: URL, policy: MalformedLinePolicy = .fail,
                               _ transform: (Record) throws -> T) throws -> (values: [T], skipped: [SkippedLine]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RewardsError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        var values: [T] = []
        var skipped: [SkippedLine] = []
        var lineNo = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNo += 1
            if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                let obj: Any
                do { obj = try JSONSerialization.jsonObject(with: Data(raw), options: []) } catch {
                    throw RewardsError.malformedJSONLine(file: url.lastPathComponent, line: lineNo, reason: "invalid JSON")
                }
                guard let dict = obj as? [String: Any] else {
                    throw RewardsError.malformedJSONLine(file: url.lastPathComponent, line: lineNo, reason: "a JSON value that is not an object")
                }
                values.append(try transform(Record(line: lineNo, object: dict)))
            } catch let e as RewardsError {
                if policy == .fail { throw e }
                skipped.append(SkippedLine(line: lineNo, error: e))
            }
        }
        return (values, skipped)
    }
}

extension JSONLReader.Record {
    /// A required string field.
    /// - Throws: `RewardsError.missingField`.
    func string(_ key: String, file: String) throws -> String {
        guard let s = object[key] as? String else {
            throw RewardsError.missingField(file: file, line: line, field: key, expected: "a string")
        }
        return s
    }

    /// A required array-of-strings field.
    /// - Throws: `RewardsError.missingField`.
    func strings(_ key: String, file: String) throws -> [String] {
        guard let a = object[key] as? [Any], let s = a as? [String] else {
            throw RewardsError.missingField(file: file, line: line, field: key, expected: "an array of strings")
        }
        return s
    }

    /// An optional scalar rendered as a string (strings, numbers, booleans).
    func scalarString(_ key: String) -> String? {
        switch object[key] {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }
}
