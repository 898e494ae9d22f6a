// TaskCatalog.swift — task names → tasks, so a recipe or the CLI can say `task: countdown` or `task: gsm8k`.

import Foundation

/// Builds the built-in tasks by name.
///
/// Names: `arithmetic` (parameter `level` 1…5, default 2), `countdown` (`min_numbers`, `max_numbers`,
/// `max_number`, `max_target`, `format_score`), and the dataset tasks `gsm8k`, `math500`, `humaneval`,
/// `mbpp` (read from `dataDirectory/<name>/…`, verified by the registry's `accuracy` reward).
public enum TaskCatalog {
    /// The built-in task names.
    public static let names = ["arithmetic", "countdown"] + DatasetFormat.allCases.map(\.rawValue)

    /// Creates a task.
    /// - Parameters:
    ///   - name: task name.
    ///   - parameters: task parameters (see the type summary).
    ///   - dataDirectory: folder holding the dataset folders (needed for dataset tasks).
    ///   - registry: supplies the `accuracy` reward for dataset tasks.
    ///   - policy: malformed-line policy for dataset tasks.
    /// - Returns: the task.
    /// - Throws: `RewardsError.invalidTaskRequest` for an unknown name or bad parameters.
    public static func make(_ name: String, parameters: [String: RewardParameterValue] = [:], dataDirectory: URL? = nil,
                            registry: RewardRegistry, policy: MalformedLinePolicy = .fail) throws -> any VerifiableTask {
        func reader(_ allowed: [String]) throws -> RewardParameterReader {
            let r = RewardParameterReader(reward: "task \(name)", values: parameters, allowed: allowed)
            try r.finish()
            return r
        }
        switch name {
        case "arithmetic":
            let p = try reader(["level"])
            return try ArithmeticTask(difficulty: .level(try p.int("level", default: 2)))
        case "countdown":
            let p = try reader(["min_numbers", "max_numbers", "max_number", "max_target", "format_score"])
            var c = CountdownTask.Configuration()
            let lo = try p.int("min_numbers", default: 3), hi = try p.int("max_numbers", default: 4)
            guard lo <= hi else { throw RewardsError.invalidTaskRequest(task: name, reason: "min_numbers \(lo) > max_numbers \(hi)") }
            c.numberCount = lo...hi
            c.maxNumber = try p.int("max_number", default: c.maxNumber)
            c.maxTarget = try p.int("max_target", default: c.maxTarget)
            return try CountdownTask(configuration: c, formatScore: try p.double("format_score", default: 0.1))
        default:
            guard let format = DatasetFormat(rawValue: name) else {
                throw RewardsError.invalidTaskRequest(task: name, reason: "unknown task; built-in tasks: \(names.joined(separator: ", "))")
            }
            _ = try reader([])
            guard let dataDirectory else {
                throw RewardsError.invalidTaskRequest(task: name, reason: "a dataset task needs the data directory (the folder holding \(name)/)")
            }
            return DatasetTask.standard(format, dataDirectory: dataDirectory, reward: try registry.make("accuracy"), policy: policy)
        }
    }
}
