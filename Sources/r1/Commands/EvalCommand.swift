// `r1 eval`: DeepSeek-R1-style evaluation — k samples per problem, pass@1 (mean over k), pass@k, cons@k.
import ArgumentParser
import Evaluation
import Foundation
import Generation
import ModelFormats
import Models
import Rewards
import TensorEngine
import Tokenizers

/// Evaluates a model on a verifiable task.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model: k samples per problem, pass@1 (mean over k), pass@k, cons@k, lengths.",
        discussion: """
        Follows DeepSeek-R1's protocol: each problem is sampled k times (temperature 0.6, top-p 0.95 by default)
        and pass@1 is the fraction of correct samples averaged over problems; pass@k uses the unbiased estimator
        1 − C(n−c, k)/C(n, k); cons@k is majority voting over answers grouped by mathematical equivalence.
        Samples are scored with the task's accuracy reward (math verifier, or the code sandbox for HumanEval/MBPP).
        With --output DIR, every problem is recorded to DIR/problems.jsonl as it finishes and a rerun with the
        same settings resumes where it stopped; DIR/report.json holds the final report.
        """)

    @Option(help: "Model: a .gguf file or a Hugging Face directory.")
    var model: String
    @Option(help: "Task: gsm8k:PATH | math500:PATH | humaneval:PATH | mbpp:PATH | arithmetic[:LEVEL] | countdown | jsonl:PATH.")
    var task: String
    @Option(help: "Evaluate only the first N problems (generated tasks: N problems, default 100).")
    var limit: Int?
    @Option(name: .short, help: "Samples per problem (k).")
    var k = 4
    @Option(help: "Sampling temperature.")
    var temperature: Float = 0.6
    @Option(help: "Top-p (nucleus) mass.")
    var topP: Float = 0.95
    @Option(help: "Most generated tokens per sample.")
    var maxTokens = 1024
    @Option(help: "Seed (sample g of problem i depends only on seed, i, g).")
    var seed: UInt64 = 0
    @Option(help: "Comma-separated k values of pass@k (default: 1, powers of two below k, k).")
    var passAt: String?
    @Option(help: "Prompt template: auto (chat if the tokenizer has one, else r1-zero) | chat | r1-zero.")
    var template = "auto"
    @Option(help: "System message for the chat template.")
    var system: String?
    @Option(help: "Text appended to each question in the chat template (default: R1's step-by-step \\boxed{} instruction for math, a code-block instruction for code).")
    var instruction: String?
    @Option(help: "Results directory (resumable; holds problems.jsonl and report.json).")
    var output: String?
    @Option(help: "Problems sampled together per generator request.")
    var batchProblems = 8
    @Option(help: "Worker threads of the tensor engine.")
    var threads = 2
    @Flag(help: "Print the report as JSON (with per-problem records) instead of the table.")
    var json = false

    func run() throws {
        Parallel.threadCount = threads
        let spec = try TaskSpec(parsing: task)
        let environment = spec.needsCodeSandbox ? RewardEnvironment.standard()
            : RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil)
        if spec.needsCodeSandbox && environment.codeRunner == nil {
            throw ValidationError("\(task) needs the code sandbox, which could not be set up on this machine")
        }
        let verifiable = try spec.makeTask(registry: RewardRegistry.builtIn(environment: environment), datasetSplit: .test)
        let (policy, tokenizer) = try loadModel(model)
        policy.keepsDecodePanels = true  // fixed weights: pack them once for all problem batches
        let style = try promptStyle(tokenizer)
        var configuration = EvaluationConfiguration(
            samplesPerProblem: k, temperature: temperature, topP: topP, maxNewTokens: maxTokens, seed: seed,
            limit: limit, problemsPerBatch: batchProblems, stopStrings: style == .r1Zero ? ["</answer>"] : [])
        if let passAt {
            let values = passAt.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.allSatisfy({ $0 != nil }) else { throw ValidationError("--pass-at takes comma-separated integers, got '\(passAt)'") }
            configuration.passAtK = values.compactMap { $0 }
        }
        let evaluator = try Evaluator(sampler: BatchGenerator(model: policy), tokenizer: tokenizer, style: style,
                                      configuration: configuration)
        let total = try evaluator.problems(of: verifiable).count
        let start = Date()
        log("r1 eval: \(model), task \(verifiable.name), \(total) problems × \(k) samples, template \(style.name)")
        let report = try evaluator.evaluate(task: verifiable, resultsDirectory: output.map { URL(fileURLWithPath: $0) }) { record, done in
            log("problem \(done)/\(total)  \(record.id ?? "#\(record.index)")  correct \(record.correctCount)/\(record.samples.count)"
                + String(format: "  (%.0fs)", Date().timeIntervalSince(start)))
        }
        if json {
            FileHandle.standardOutput.write(try report.json())
            print()
        } else {
            print(report.table())
            if let output { print("records: \(output)/problems.jsonl, report: \(output)/report.json") }
        }
    }

    func promptStyle(_ tokenizer: any Tokenizer) throws -> EvaluationPromptStyle {
        let detected = ChatTemplate(for: tokenizer)
        switch template {
        case "r1-zero", "r1_zero": return .r1Zero
        case "chat":
            guard let detected else { throw ValidationError("--template chat: the tokenizer has no recognised chat template") }
            return .chat(detected, system: system, instruction: instruction)
        case "auto": return detected.map { .chat($0, system: system, instruction: instruction) } ?? .r1Zero
        default: throw ValidationError("--template must be auto, chat or r1-zero, got '\(template)'")
        }
    }

    /// Loads a GGUF file, or a Hugging Face directory (config.json, *.safetensors, tokenizer.json).
    func loadModel(_ path: String) throws -> (LlamaModel, BPETokenizer) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("--model \(path): no such file or directory")
        }
        let url = URL(fileURLWithPath: path)
        if isDirectory.boolValue {
            return (try LlamaModel.load(huggingFaceDirectory: url), try BPETokenizer(tokenizerJSON: url.appendingPathComponent("tokenizer.json")))
        }
        guard url.pathExtension.lowercased() == "gguf" else {
            throw ValidationError("--model \(path): expected a .gguf file or a Hugging Face directory")
        }
        return (try LlamaModel.load(gguf: url), try BPETokenizer(gguf: GGUFFile(url: url)))
    }

    func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
