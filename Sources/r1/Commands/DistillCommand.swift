// `r1 distill`: rejection sampling / distillation. Draw N completions per prompt from a teacher (a local model or
// any OpenAI-compatible endpoint), keep those the task's verifier accepts, write them as an SFT dataset
// (`{"messages": [...]}` lines that `r1 sft` reads) with a stats report; resumes an interrupted run.
import ArgumentParser
import Distillation
import Foundation
import Generation
import Rewards
import TensorEngine
import Tokenizers

/// Writes an SFT dataset of verified teacher completions.
struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Rejection-sample verified completions from a teacher into an SFT dataset (JSONL of chat messages).",
        discussion: """
        Prompts come from a built-in task (--task arithmetic[:LEVEL], countdown, gsm8k:PATH, math500:PATH, humaneval:PATH, \
        mbpp:PATH) or a JSONL file of {"prompt", "answer"} lines (--data). Each prompt gets -n completions from the \
        teacher; a completion is accepted when it ended on a stop condition (unless --allow-truncated), fits the length \
        limits, has the --require-format layout and the task's verifier scores it >= --accept-threshold. --keep chooses \
        which accepted completions are written: all, the --keep-count shortest, or deduplicated by normalised text.
        Output: OUT.jsonl ({"messages": [...], "prompt_id", "sample"} per line), OUT.progress.jsonl (per-prompt stats), \
        OUT.config.json (settings), OUT.stats.json (report). Rerunning the same command resumes: prompts already done \
        are skipped; --overwrite starts over. Train a student on the result with `r1 sft`.
        Examples:
          r1 distill --teacher smollm2.gguf --task arithmetic:1 --limit 50 -n 8 --output arith.jsonl --keep shortest
          r1 serve --model smollm2.gguf --port 8000 &
          r1 distill --teacher-url http://127.0.0.1:8000/v1 --teacher-model smollm2 --data qa.jsonl -n 4 --output qa-sft.jsonl
        """)

    @Option(help: ArgumentHelp("Local teacher model: a .gguf file or a Hugging Face directory.", valueName: "path"))
    var teacher: String?

    @Option(name: .customLong("teacher-url"), help: ArgumentHelp("OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1.", valueName: "url"))
    var teacherURL: String?

    @Option(name: .customLong("teacher-model"), help: "Model name sent to --teacher-url.")
    var teacherModel = "default"

    @Option(name: .customLong("api-key-env"), help: "Environment variable holding the endpoint's API key (unset: no key).")
    var apiKeyEnv = "OPENAI_API_KEY"

    @Option(help: "Seconds allowed per HTTP request to the teacher.")
    var timeout: Double = 600

    @Option(help: "Retries of a failed teacher request (transport errors, 429, 5xx), with doubling backoff.")
    var retries = 3

    @Option(help: "Teacher requests in flight at once (--teacher-url).")
    var concurrency = 1

    @Option(help: "Prompt source: arithmetic[:LEVEL], countdown, gsm8k:PATH, math500:PATH, humaneval:PATH, mbpp:PATH.")
    var task: String?

    @Option(help: ArgumentHelp("JSONL file of {\"prompt\": …, \"answer\": …} lines (verified as math).", valueName: "file"))
    var data: String?

    @Option(help: "Number of prompts (generated tasks: default 100; datasets: all rows, or a seeded sample of this many).")
    var limit: Int?

    @Option(name: .customLong("task-seed"), help: "Seed of the generated problems / dataset sample.")
    var taskSeed: UInt64 = 1

    @Option(name: .customShort("n"), help: "Completions drawn per prompt.")
    var samples = 4

    @Option(help: ArgumentHelp("Dataset to write (JSON Lines).", valueName: "file"))
    var output: String

    @Flag(help: "Delete an existing output (and its side files) and start over instead of resuming.")
    var overwrite = false

    @Option(help: "Which accepted completions to write: all, shortest, dedup.")
    var keep: KeepPolicy = .all

    @Option(name: .customLong("keep-count"), help: "Most completions written per prompt (shortest: default 1).")
    var keepCount: Int?

    @Option(name: .customLong("min-chars"), help: "Reject completions shorter than this many characters.")
    var minChars = 0

    @Option(name: .customLong("max-chars"), help: "Reject completions longer than this many characters.")
    var maxChars: Int?

    @Option(name: .customLong("require-format"), help: "Reject completions without the R1 layout: strict or soft.")
    var requireFormat: FormatStrictness?

    @Flag(name: .customLong("allow-truncated"), help: "Accept completions cut by --max-tokens.")
    var allowTruncated = false

    @Option(name: .customLong("accept-threshold"), help: "Smallest verifier score accepted.")
    var acceptThreshold = 1.0

    @Option(help: "System message of every prompt.")
    var system: String?

    @Option(help: "Text appended to each question (default: \"Please reason step by step, and put your final answer within \\boxed{}.\" for math).")
    var instruction: String?

    @Flag(name: .customLong("r1-format"), help: "Ask for <think>…</think> <answer>…</answer> (instruction) and require the strict format.")
    var r1Format = false

    @Option(help: "Softmax temperature of the teacher.")
    var temperature = 0.7

    @Option(name: .customLong("top-p"), help: "Nucleus mass of the teacher.")
    var topP = 0.95

    @Option(name: .customLong("top-k"), help: "Top-k of the teacher (0 = off).")
    var topK = 0

    @Option(name: .customLong("max-tokens"), help: "Most tokens per completion.")
    var maxTokens = 512

    @Option(help: "Sampling seed; prompt i uses seed + i (remote) or stream (seed, i, g) (local).")
    var seed: UInt64 = 0

    @Option(name: .customLong("stop"), help: ArgumentHelp("Stop string (repeatable).", valueName: "string"))
    var stopStrings: [String] = []

    @Option(name: .customLong("batch-prompts"), help: "Prompts per teacher call (local: decoded together).")
    var batchPrompts = 8

    @Flag(name: .customLong("r1-zero"), help: "Local teacher: use the R1-Zero plain-text template instead of the model's chat template.")
    var r1Zero = false

    @Option(help: "Worker threads of the tensor engine (local teacher).")
    var threads = 2

    func validate() throws {
        guard (teacher == nil) != (teacherURL == nil) else { throw ValidationError("give one teacher: --teacher PATH or --teacher-url URL") }
        guard (task == nil) != (data == nil) else { throw ValidationError("give one prompt source: --task T or --data FILE") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if r1Format && requireFormat == .soft { throw ValidationError("--r1-format requires the strict format; drop --require-format soft") }
        try configuration().validate()
    }

    /// The rejection-sampling settings these flags stand for.
    func configuration() -> RejectionSamplingConfiguration {
        RejectionSamplingConfiguration(
            samplesPerPrompt: samples, keep: keep, keepCount: keepCount, minCharacters: minChars, maxCharacters: maxChars,
            requireFormat: r1Format ? .strict : requireFormat, requireStop: !allowTruncated, acceptThreshold: acceptThreshold,
            promptsPerBatch: batchPrompts,
            sampling: TeacherSampling(temperature: temperature, topP: topP, topK: topK, maxTokens: maxTokens, seed: seed, stop: stopStrings),
            promptStyle: DistillationPromptStyle(system: system, instruction: r1Format ? (instruction ?? DistillationPromptStyle.r1FormatInstruction) : instruction))
    }

    /// The teacher these flags name.
    func makeTeacher() throws -> any Teacher {
        if let teacherURL {
            guard let url = URL(string: teacherURL) else { throw ValidationError("--teacher-url '\(teacherURL)' is not a URL") }
            let key = ProcessInfo.processInfo.environment[apiKeyEnv].flatMap { $0.isEmpty ? nil : $0 }
            return try OpenAITeacher(configuration: .init(baseURL: url, model: teacherModel, apiKey: key, timeoutSeconds: timeout,
                                                          maxRetries: retries, concurrency: concurrency))
        }
        let options = try ModelOptions.parse(["--model", teacher ?? "", "--threads", "\(threads)"])
        let loaded = try options.load()
        loaded.model.keepsDecodePanels = true  // a fixed teacher: pack its weights once for all batches
        guard let template = r1Zero ? ChatTemplate.r1Zero : ChatTemplate(for: loaded.tokenizer) else {
            throw CLIError.noChatTemplate(model: options.model)
        }
        return LocalTeacher(name: options.model, sampler: BatchGenerator(model: loaded.model, maximumConcurrentSequences: max(samples, 64)),
                            tokenizer: loaded.tokenizer, chatTemplate: template)
    }

    func run() throws {
        Parallel.threadCount = threads
        let spec = try data.map { TaskSpec(jsonl: URL(fileURLWithPath: $0)) } ?? TaskSpec(parsing: task ?? "")
        let environment = spec.needsCodeSandbox ? RewardEnvironment.standard()
            : RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil)
        if spec.needsCodeSandbox && environment.codeRunner == nil {
            throw ValidationError("\(spec.text) needs the code sandbox, which could not be set up on this machine")
        }
        let (examples, verifier) = try spec.loadPrompts(registry: RewardRegistry.builtIn(environment: environment), count: limit, seed: taskSeed)
        let problems = DistillationProblem.list(examples)
        let teacher = try makeTeacher()
        let sampler = try RejectionSampler(teacher: teacher, verifier: verifier, configuration: configuration())
        print("distilling \(problems.count) prompts × \(samples) samples from \(teacher.name) into \(output)")
        let start = Date()
        var done = 0
        let source = "\(spec.text) limit=\(limit.map(String.init) ?? "all") task-seed=\(taskSeed)"
        let report = try sampler.run(problems: problems, output: URL(fileURLWithPath: output), source: source, overwrite: overwrite) { stats in
            done += 1
            print("[\(done)] \(stats.promptID): \(stats.accepted)/\(stats.sampled) accepted, \(stats.kept) written")
            fflush(nil)
        }
        print(report.summary)
        print(String(format: "%.1fs; stats in %@", Date().timeIntervalSince(start),
                     URL(fileURLWithPath: output).deletingPathExtension().path + ".stats.json"))
    }
}

extension KeepPolicy: ExpressibleByArgument {}
extension FormatStrictness: ExpressibleByArgument {}
