// RewardsTestSupport.swift — shared helpers for the Rewards tests: fixture paths, a sample builder, and a
// plain (unsandboxed) python3 runner used to test the code-test harness independently of the Sandbox module.

import Foundation
@testable import Rewards

enum RewardsFixtures {
    /// Fixtures/rewards in the repository (found from this file's path).
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("rewards")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static var python: URL { URL(fileURLWithPath: "/usr/bin/env") }
}

func sample(_ text: String, gold: String? = nil, kind: TaskKind = .math, tokens: Int? = nil) -> RewardSample {
    RewardSample(example: RewardExample(prompt: "p", goldAnswer: gold, kind: kind), completion: Completion(text, tokenCount: tokens))
}

/// Runs `python3` directly (no isolation) with a wall-clock kill. Test-only: the production runner is the
/// Sandbox module's ProcessSandbox (see Integration/).
struct PlainPythonRunner: CodeRunner {
    func runPython(_ program: String, timeout: Double) -> CodeRunResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-I", "-c", program]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return CodeRunResult(status: .sandboxUnavailable, stderr: "\(error)") }
        let outBox = DataBox(), errBox = DataBox()
        let g = DispatchGroup()
        for (h, box) in [(out.fileHandleForReading, outBox), (err.fileHandleForReading, errBox)] {
            g.enter()
            DispatchQueue.global().async { box.set(h.readDataToEndOfFile()); g.leave() }
        }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while p.isRunning {
            if Date() > deadline { kill(p.processIdentifier, SIGKILL); timedOut = true; break }
            usleep(2_000)
        }
        p.waitUntilExit()
        g.wait()
        let status: CodeRunStatus = timedOut ? .timedOut : (p.terminationReason == .uncaughtSignal ? .crashed : (p.terminationStatus == 0 ? .passed : .failed))
        return CodeRunResult(status: status, stdout: String(decoding: outBox.data, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
    }
}

final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _data = Data()
    func set(_ d: Data) { lock.lock(); _data = d; lock.unlock() }
    var data: Data { lock.lock(); defer { lock.unlock() }; return _data }
}

/// A reward that sleeps, throws, or returns a fixed non-finite value, to exercise the contract.
struct BehaviourReward: RewardFunction {
    enum Behaviour: Sendable { case sleep(Double), throwing, nan, value(Double?) }
    let name: String
    let behaviour: Behaviour

    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

    func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        switch behaviour {
        case .sleep(let s): Thread.sleep(forTimeInterval: s); return 1
        case .throwing: throw Boom()
        case .nan: return .nan
        case .value(let v): return v
        }
    }
}
