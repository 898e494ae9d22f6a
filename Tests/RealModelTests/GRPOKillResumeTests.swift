// `r1 grpo` survives SIGKILL: the built r1 binary trains SmolLM2-135M on the tiny arithmetic recipe
// (with held-out evaluation and an R1 reference reset, so the checkpoint carries reference weights) once
// uninterrupted, and once killed twice — mid-step after its first checkpoint, and right after a later
// checkpoint — and resumed with --resume each time. The final weights and AdamW moments must be identical
// byte for byte, and so must every logged training and evaluation figure except wall-clock timings.
//
// The r1 binary is found as $R1_BINARY, else next to this test bundle (`swift test` builds every product
// of the package into the same directory), else in .build/release or .build/debug of the package.
import Foundation
import Testing

@Suite(.serialized) struct GRPOKillResumeTests {
    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The r1 executable.
    static func r1Binary() throws -> URL {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["R1_BINARY"], !path.isEmpty {
            guard fm.isExecutableFile(atPath: path) else { throw Failure("R1_BINARY=\(path) is not an executable file") }
            return URL(fileURLWithPath: path)
        }
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            // …/release/SwiftR1PackageTests.xctest (Linux: an executable; macOS: a bundle inside that directory).
            var url = URL(fileURLWithPath: first).resolvingSymlinksInPath()
            for _ in 0..<4 {
                url = url.deletingLastPathComponent()
                candidates.append(url.appendingPathComponent("r1"))
            }
        }
        candidates += ["release", "debug"].map { packageRoot.appendingPathComponent(".build/\($0)/r1") }
        guard let found = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) }) else {
            throw Failure("the r1 executable was not found (looked at \(candidates.map(\.path).joined(separator: ", "))); "
                          + "build it with `swift build -c release --product r1` or set R1_BINARY")
        }
        return found
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Starts r1 with its output appended to `log`.
    static func start(_ binary: URL, _ arguments: [String], log: URL) throws -> Process {
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Runs r1 to completion; throws when it fails.
    static func run(_ binary: URL, _ arguments: [String], log: URL) throws {
        let process = try start(binary, arguments, log: log)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw Failure("r1 \(arguments.prefix(1).joined()) exited with \(process.terminationStatus):\n\(text.suffix(3000))")
        }
    }

    static func checkpoint(_ run: URL, step: Int) -> URL {
        run.appendingPathComponent(String(format: "checkpoints/step-%08d", step))
    }

    /// Waits (polling) until the manifest of the step's checkpoint exists; throws if the process ends first.
    static func waitForCheckpoint(_ run: URL, step: Int, process: Process, timeout: Double = 900) throws {
        let manifest = checkpoint(run, step: step).appendingPathComponent("manifest.json")
        let deadline = Date().addingTimeInterval(timeout)
        while !FileManager.default.fileExists(atPath: manifest.path) {
            guard process.isRunning else { throw Failure("r1 ended before checkpoint \(step) was written") }
            guard Date() < deadline else { throw Failure("no checkpoint \(step) after \(timeout) s") }
            usleep(20_000)
        }
    }

    /// SIGKILL, then reap.
    static func kill(_ process: Process) {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The metrics.jsonl lines without wall-clock figures.
    static func figures(_ run: URL, file: String = "metrics.jsonl") throws -> [String] {
        let timing: Set<String> = ["wall_time", "step_time", "time/sampling", "time/scoring", "time/training",
                                   "tokens_per_second", "eval/time"]
        return try String(contentsOf: run.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map { line in
            var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            for key in object.keys where timing.contains(key) { object[key] = nil }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    /// The logged duration of a step, seconds.
    static func stepTime(_ run: URL, step: Int) throws -> Double {
        for line in try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if object["step"] as? Int == step, let seconds = object["step_time"] as? Double { return seconds }
        }
        throw Failure("no step_time for step \(step) in \(run.path)/metrics.jsonl")
    }

    /// eval.json's history without timings.
    static func evaluations(_ run: URL) throws -> [String] {
        let data = try Data(contentsOf: run.appendingPathComponent("eval.json"))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (object["history"] as! [[String: Any]]).map { entry in
            var metrics = entry["metrics"] as! [String: Any]
            metrics["eval/time"] = nil
            return "\(entry["step"]!) " + String(decoding: try! JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    @Test func sigkillMidStepAndAfterACheckpointThenResumeMatchesAnUninterruptedRun() throws {
        let binary = try Self.r1Binary()
        let model = try ModelLocator.smolLM2()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("r1-sigkill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let steps = 4
        let common = ["grpo", "--model", model.path, "--recipe", Self.packageRoot.appendingPathComponent("Recipes/tiny-arithmetic.yaml").path,
                      "--threads", "2",
                      "--set", "max_steps=\(steps)", "--set", "save_steps=1", "--set", "max_completion_length=12",
                      "--set", "reference_reset_steps=2", "--set", "log_completions_steps=1", "--set", "run.keep_checkpoints=0",
                      "--set", "run.eval_steps=2", "--set", "run.eval_size=2", "--set", "run.eval_samples=2",
                      "--set", "run.eval_max_new_tokens=8"]
        let straight = work.appendingPathComponent("straight"), killed = work.appendingPathComponent("killed")
        let log = work.appendingPathComponent("r1.log")
        let start = Date()
        try Self.run(binary, common + ["--output", straight.path], log: log)
        let straightSeconds = Date().timeIntervalSince(start)

        // Kill 1: mid-way through step 2 (half a step after checkpoint 1 appeared).
        var process = try Self.start(binary, common + ["--output", killed.path], log: log)
        defer { if process.isRunning { Self.kill(process) } }  // never leave a child behind when a check throws
        try Self.waitForCheckpoint(killed, step: 1, process: process)
        usleep(useconds_t(try Self.stepTime(killed, step: 1) * 0.5 * 1e6))
        let midStep = !FileManager.default.fileExists(atPath: Self.checkpoint(killed, step: 2).path)
        Self.kill(process)
        #expect(midStep, "the first kill should land inside step 2 (before checkpoint 2)")

        // Kill 2: the moment checkpoint 3 is complete (while old checkpoints are pruned / step 4 starts).
        process = try Self.start(binary, common + ["--output", killed.path, "--resume"], log: log)
        try Self.waitForCheckpoint(killed, step: 3, process: process)
        Self.kill(process)

        try Self.run(binary, common + ["--output", killed.path, "--resume"], log: log)
        let logText = try String(contentsOf: log, encoding: .utf8)
        #expect(logText.components(separatedBy: "resumed from").count - 1 == 2, "two resumes:\n\(logText.suffix(2000))")

        for name in ["weights.safetensors", "optimizer.safetensors"] {
            let a = try Data(contentsOf: Self.checkpoint(straight, step: steps).appendingPathComponent(name))
            let b = try Data(contentsOf: Self.checkpoint(killed, step: steps).appendingPathComponent(name))
            #expect(a.count > 1_000_000 && a == b, "\(name) differs between the uninterrupted and the killed + resumed run")
        }
        #expect(try Self.figures(straight) == Self.figures(killed), "metrics.jsonl (timings aside)")
        #expect(try Self.figures(straight, file: "samples.jsonl") == Self.figures(killed, file: "samples.jsonl"))
        let evaluations = try Self.evaluations(straight)
        #expect(evaluations.map { $0.prefix(2) } == ["0 ", "2 ", "4 "])
        #expect(try evaluations == Self.evaluations(killed), "eval.json (timings aside)")
        let seconds = Date().timeIntervalSince(start)
        print("sigkill + resume check: \(String(format: "%.1f", seconds)) s in all (uninterrupted run \(String(format: "%.1f", straightSeconds)) s)")
    }
}
