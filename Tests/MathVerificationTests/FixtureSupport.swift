// Test support: locating and reading the committed fixtures under Fixtures/mathverify.
import Foundation

enum FixtureSupport {
    /// Repository root, found from this file's path (Tests/MathVerificationTests/FixtureSupport.swift).
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Decodes every line of a JSONL fixture.
    static func jsonLines<T: Decodable>(_ name: String, as type: T.Type) throws -> [T] {
        let url = root.appendingPathComponent("Fixtures/mathverify/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }
}
