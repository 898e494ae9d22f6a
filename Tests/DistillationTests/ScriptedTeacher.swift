// Test fixture: a teacher that returns fixed completions per problem index, records what it was asked, and can
// fail on a given call (to interrupt a run).
import Distillation
import Foundation

final class ScriptedTeacher: Teacher {
    struct Interrupted: Error {}
    let name = "scripted"
    /// Completions by problem index; each call returns the first `count` (cycled).
    let script: [Int: [TeacherCompletion]]
    /// Calls (1-based) that throw `Interrupted`.
    var failOnCall: Int?
    private(set) var calls = 0
    private(set) var requestedIndices: [Int] = []

    init(script: [Int: [TeacherCompletion]], failOnCall: Int? = nil) {
        self.script = script
        self.failOnCall = failOnCall
    }

    func sample(_ prompts: [TeacherPrompt], count: Int, sampling: TeacherSampling) throws -> [[TeacherCompletion]] {
        calls += 1
        if calls == failOnCall { throw Interrupted() }
        requestedIndices += prompts.map(\.index)
        return prompts.map { p in
            let all = script[p.index] ?? [TeacherCompletion(text: "", stopped: true)]
            return (0..<count).map { all[$0 % all.count] }
        }
    }
}

/// A fresh temporary directory.
func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftr1-\(name)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The JSON lines of a file.
func jsonLines<T: Decodable>(_ url: URL, as type: T.Type) throws -> [T] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
}
