// TrainingFixtures.swift — loading the committed reference fixtures (Fixtures/training/*.json, written by
// Scripts/fixtures/training_*.py) and small comparison helpers.

import Foundation
import Testing

enum TrainingFixtures {
    /// Repository root, found from this file's real path (the test directory may be reached through a symlink).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func url(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Fixtures/training").appendingPathComponent(name)
    }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(name))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// A scratch directory under the system temporary directory, removed by `cleanup()`.
struct ScratchDirectory {
    let url: URL
    init(_ label: String = "training") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftr1-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

func doubles(_ value: Any?) -> [Double] { (value as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? [] }
func number(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? .nan }

/// Largest |a − b| / (atol + rtol·|b|); ≤ 1 means close. Counts must match.
func closeness(_ a: [Double], _ b: [Double], rtol: Double = 1e-6, atol: Double = 1e-9) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) / (atol + rtol * abs($1)) }.max() ?? 0
}
