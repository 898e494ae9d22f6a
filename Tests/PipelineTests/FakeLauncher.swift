// FakeLauncher.swift — a StageLauncher that records command lines and writes the outputs a real command would.

import Foundation
@testable import Pipeline

/// Records every `r1` command and fakes its outputs; can fail a chosen command once.
final class FakeLauncher: StageLauncher, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var commands: [[String]] = []
    /// Fail the first command whose first argument is this subcommand and whose --output contains this text.
    var failOnce: (subcommand: String, outputContains: String)?
    /// Before failing, leave a checkpoint behind (as a killed training run would).
    var leaveCheckpointOnFailure = true

    func run(arguments: [String], log: URL) throws -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        commands.append(arguments)
        let output = value(of: "--output", in: arguments) ?? ""
        if let failure = failOnce, arguments.first == failure.subcommand, output.contains(failure.outputContains) {
            failOnce = nil
            if leaveCheckpointOnFailure {
                try FileManager.default.createDirectory(atPath: output + "/checkpoints/step-00000002", withIntermediateDirectories: true)
            }
            return 9
        }
        let fm = FileManager.default
        switch arguments.first {
        case "sft":
            try fm.createDirectory(atPath: output + "/final", withIntermediateDirectories: true)
        case "grpo":
            try fm.createDirectory(atPath: output + "/checkpoints/step-00000010", withIntermediateDirectories: true)
        case "export":
            try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
        case "distill":
            try fm.createDirectory(atPath: (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = fm.createFile(atPath: output, contents: Data("{\"messages\":[]}\n".utf8))
        case "eval":
            try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
            _ = fm.createFile(atPath: output + "/report.json", contents: Data("{}".utf8))
        default:
            break
        }
        return 0
    }

    func value(of flag: String, in arguments: [String]) -> String? {
        guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }
}

/// A fresh temporary directory.
func temporaryDirectory(_ name: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("pipeline-tests-\(name.filter(\.isLetter))-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
