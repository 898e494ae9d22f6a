// `r1 zero`: the built-in R1-Zero experiment (no download, no arguments needed).
import ArgumentParser
import Foundation
import Rewards
import Trainers

/// Runs the built-in R1-Zero experiment and prints its progress.
struct ZeroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zero",
        abstract: "Run an R1-Zero experiment on a built-in task: pretrain a small base model (cached), then pure-RL GRPO.",
        discussion: """
        The base model is a small Llama trained for a few minutes on a synthetic corpus for four-digit
        addition in which step-by-step answers are rare but correct and direct answers are mostly wrong.
        GRPO then trains it with a correctness reward only; held-out accuracy and response length are
        printed as it goes. The base model is cached under $XDG_CACHE_HOME/swiftr1 (or ~/.cache/swiftr1).
        """)

    @Option(help: "Most RL steps.") var steps = 200
    @Option(help: "RL wall-clock budget in seconds.") var seconds: Double = 600
    @Option(help: "Evaluate every N RL steps.") var evaluateEvery = 10
    @Option(help: "Pretraining steps for the base model.") var pretrainSteps = 2000
    @Option(help: "Seed.") var seed: UInt64 = 7
    @Option(help: "Digits per problem.") var terms = 5
    @Option(help: "Share of step-by-step answers in the pretraining corpus.") var thinkingShare = 0.2
    @Option(help: "Share of correct direct answers in the pretraining corpus.") var directCorrectShare = 0.1
    @Option(help: "Write the result as JSON to this file.") var output: String?
    @Flag(help: "Ignore and overwrite the cached base model.") var noCache = false

    func run() throws {
        var configuration = ZeroConfiguration()
        configuration.rlSteps = steps
        configuration.rlSeconds = seconds
        configuration.evaluateEvery = evaluateEvery
        configuration.pretrainSteps = pretrainSteps
        configuration.seed = seed
        configuration.terms = terms
        configuration.chainOfThoughtShare = thinkingShare
        configuration.directCorrectShare = directCorrectShare
        let registry = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil))
        let rewards = try registry.makeCombined(RewardSelection(
            rewards: ["accuracy"], parameters: ["accuracy": ["extraction": .string("answer_tag")]]))
        let environment = ProcessInfo.processInfo.environment
        let cacheRoot = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        let cache = noCache ? nil : cacheRoot.appendingPathComponent("swiftr1")
        let experiment = ZeroExperiment(configuration: configuration, rewards: rewards, cacheDirectory: cache)
        let start = Date()
        print("r1 zero: task = adding \(terms) digits, reward = accuracy only (answer inside <answer></answer>)")
        let result = try experiment.run { event in
            switch event {
            case .baseModelLoaded(let path): print("base model: loaded from cache \(path)")
            case .baseModelSaved(let path): print("base model: pretrained and cached at \(path)")
            case let .pretraining(report, total):
                if report.step == 1 || report.step % 100 == 0 || report.step == total {
                    print(String(format: "pretrain %4d/%d  loss %.3f  %.0f ms/step", report.step, total, report.loss, report.seconds * 1000))
                }
            case .evaluation(let e):
                print(String(format: "eval  step %4d  held-out pass@1 (T=1) %5.1f%%  greedy %5.1f%%  length %5.1f  <think> share %5.1f%%  RL time %4.0fs",
                             e.step, e.sampledAccuracy * 100, e.greedyAccuracy * 100, e.meanLength, e.thinkingShare * 100, e.rlSeconds))
            case .grpoStep(let r):
                print(String(format: "step %4d  reward %.3f  acc %.3f  len %5.1f  zero-std %.2f  clip %.3f  %.0f tok/s  (sample %.2fs, score %.2fs, train %.2fs)",
                             r.step, r.rewardMean, r.accuracy, r.completionLengthMean, r.zeroStdGroupFraction, r.clipRatioRegion,
                             r.tokensPerSecond, r.samplingSeconds, r.scoringSeconds, r.trainingSeconds))
            }
            fflush(nil)
        }
        print(String(format: "held-out pass@1: %.1f%% → %.1f%% (%+.1f points) in %d RL steps; total time %.0fs",
                     (result.evaluations.first?.sampledAccuracy ?? 0) * 100, (result.evaluations.last?.sampledAccuracy ?? 0) * 100,
                     result.accuracyGainPoints, result.steps, Date().timeIntervalSince(start)))
        if let output {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(result).write(to: URL(fileURLWithPath: output))
        }
    }
}
