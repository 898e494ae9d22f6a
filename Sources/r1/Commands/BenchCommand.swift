// `r1 bench`: engine throughput on a real model (SmolLM2-135M dequantized to f32): GEMM at the model's
// shapes, prefill, batched sampling and training forward+backward. Every row records threads, the 1-minute
// load average and the process's CPU/wall ratio, so figures from a busy machine can be recognised.
// Scripts/bench/peers.py measures the same rows with llama.cpp, transformers and PyTorch; Scripts/bench/run.sh
// runs both and prints the ratios.
import ArgumentParser
import Foundation
import Generation
import ModelFormats
import Models
import TensorEngine
import Tokenizers

/// Benchmarks GEMM, prefill, batched sampling and training on a model file.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure GEMM GFLOP/s, prefill, batched sampling and training tokens/s (table + JSON).")

    @Option(help: "Model: a .gguf file (e.g. SmolLM2-135M-Instruct.Q4_1.gguf; weights are dequantized to f32).")
    var model: String
    @Option(help: "Worker threads.")
    var threads = 2
    @Option(help: "Timed repetitions per row (after one warm-up); the median is reported.")
    var repeats = 3
    @Option(help: "Comma-separated sections: gemm, prefill, sampling, train, attention (not in the default set).")
    var sections = "gemm,prefill,sampling,train"
    @Option(help: "Comma-separated sequence counts of the sampling rows.")
    var samplingGroups = "8,16,32"
    @Option(help: "Comma-separated decode-weight precisions of the sampling rows: f32, bf16.")
    var samplingPrecisions = "f32,bf16"
    @Option(help: "Also write the JSON report to this file.")
    var json: String?

    /// One measured figure.
    struct Row: Codable {
        var section: String
        var name: String
        var unit: String
        var median: Double
        var min: Double
        var max: Double
        var threads: Int
        var load1: Double
        var cpuPerWall: Double
        /// Work per CPU-second of this process (all threads): less sensitive to other jobs than the wall rate.
        var perCPUSecond: Double
        var detail: String
    }

    /// The whole report.
    struct Report: Codable {
        var tool = "r1 bench"
        var model: String
        var precision = "f32 (dequantized from the file)"
        var backend: String
        var cpu: String
        var promptTokens: [Int32]
        var rows: [Row]
    }

    func run() throws {
        guard threads >= 1, repeats >= 1 else { throw ValidationError("--threads and --repeats must be at least 1") }
        let wanted = Set(sections.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let known: Set<String> = ["gemm", "prefill", "sampling", "train", "attention"]
        if let bad = wanted.subtracting(known).first {
            throw ValidationError("unknown section '\(bad)'; use a comma-separated subset of gemm, prefill, sampling, train, attention")
        }
        let groups = try samplingGroups.split(separator: ",").map { text -> Int in
            guard let g = Int(text.trimmingCharacters(in: .whitespaces)), g >= 1 else {
                throw ValidationError("--sampling-groups: '\(text)' is not a positive sequence count; e.g. 8,16,32")
            }
            return g
        }
        let precisions = try samplingPrecisions.split(separator: ",").map { text -> DecodeWeightPrecision in
            guard let p = DecodeWeightPrecision(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--sampling-precisions: unknown precision '\(text)'; use f32, bf16 or both")
            }
            return p
        }
        Parallel.threadCount = threads
        let url = URL(fileURLWithPath: model)
        let llama = try LlamaModel.load(gguf: url)
        let tokenizer = try BPETokenizer(gguf: try GGUFFile(url: url))
        let prompt = Self.promptTokens(tokenizer, count: 60)
        var rows: [Row] = []
        func emit(_ row: Row) {
            rows.append(row)
            Self.say(Self.format(row))
        }
        Self.say("model \(model): \(llama.parameters.count) parameters, f32; \(BLAS.backend); threads \(threads)")
        Self.say(Self.pad("section", 9) + Self.pad("row", 34) + "    median        min        max   per-CPU-s "
                 + Self.pad("unit", 9) + " load1  cpu/w")
        if wanted.contains("gemm") { try benchGEMM(llama.configuration, emit) }
        if wanted.contains("prefill") { benchPrefill(llama, prompt: prompt, tokenizer: tokenizer, emit) }
        if wanted.contains("sampling") { try benchSampling(llama, prompt: prompt, groups: groups, precisions: precisions, emit) }
        if wanted.contains("train") { benchTraining(llama, emit) }
        if wanted.contains("attention") { benchAttention(llama.configuration, emit) }
        let report = Report(model: url.lastPathComponent, backend: BLAS.backend.description, cpu: Self.cpuName(),
                            promptTokens: prompt, rows: rows)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        if let json { try data.write(to: URL(fileURLWithPath: json)) }
        Self.say("JSON " + String(decoding: data, as: UTF8.self))
    }

    // MARK: sections

    /// `matmulForward` (the engine's linear layer) at [M, K] · [N, K]ᵀ for the model's shapes.
    private func benchGEMM(_ cfg: LlamaConfiguration, _ emit: (Row) -> Void) throws {
        let c = cfg.hiddenSize, i = cfg.intermediateSize, v = cfg.vocabularySize
        let shapes = [(c, c), (c, i), (i, c), (c, v)]
        let maxRows = 2048
        let input = Self.randomBuffer(maxRows * max(c, i), seed: 1)
        let weight = Self.randomBuffer(v * c, seed: 2)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: maxRows * v)
        defer { input.deallocate(); weight.deallocate(); out.deallocate() }
        for (k, n) in shapes {
            for m in [8, 16, 32, 256, 2048] {
                let flops = 2.0 * Double(m * n * k)
                let inner = max(1, Int(2e9 / flops))  // at least ~2 GFLOP per timed sample
                // Successive calls read different weight matrices (113 MB in all), so weights stream from memory
                // as in a forward pass instead of staying in cache.
                let copies = max(1, (v * c) / (n * k))
                var call = 0
                let row = measure(section: "gemm", name: "M=\(m) K=\(k) N=\(n)", unit: "GFLOP/s",
                                  detail: "matmulForward, \(inner) calls per sample over \(copies) weight copies") {
                    for _ in 0..<inner {
                        matmulForward(out, input, weight + (call % copies) * n * k, nil, rows: m, inFeatures: k, outFeatures: n)
                        call += 1
                    }
                    return flops * Double(inner) / 1e9
                }
                emit(row)
                guard m <= panelRowLimit else { continue }
                // The decode path: the same product on weights packed once into panels (as a generation call
                // does), at both decode precisions.
                for precision in DecodeWeightPrecision.allCases {
                    let packedBytes = panelStorageBytes(outFeatures: n, inFeatures: k, precision: precision)
                    let packed = UnsafeMutableRawPointer.allocate(byteCount: copies * packedBytes, alignment: 64)
                    defer { packed.deallocate() }
                    let panels = (0..<copies).map { copy in
                        packWeightPanels(packed + copy * packedBytes, weight + copy * n * k, outFeatures: n, inFeatures: k,
                                         precision: precision)
                    }
                    let suffix = precision == .f32 ? "panels" : "panels bf16"
                    let panelRow = measure(section: "gemm", name: "M=\(m) K=\(k) N=\(n) \(suffix)", unit: "GFLOP/s",
                                           detail: "matmulForwardGroup on \(precision.rawValue) packed weights, \(inner) calls per sample over \(copies) copies") {
                        for _ in 0..<inner {
                            let copy = call % copies
                            matmulForwardGroup(LinearProduct(out: out, weight: weight + copy * n * k, bias: nil, outFeatures: n,
                                                             packed: panels[copy]),
                                               input: input, rows: m, inFeatures: k)
                            call += 1
                        }
                        return flops * Double(inner) / 1e9
                    }
                    emit(panelRow)
                }
            }
        }
    }

    /// Prefill of one sequence into an empty cache slot (logits of the last position included).
    private func benchPrefill(_ llama: LlamaModel, prompt: [Int32], tokenizer: BPETokenizer, _ emit: (Row) -> Void) {
        for count in [prompt.count, 256] {
            let tokens = count == prompt.count ? prompt : Self.promptTokens(tokenizer, count: count)
            let cache = KVCache(configuration: llama.configuration, slots: 1, capacity: count)
            let row = measure(section: "prefill", name: "prompt \(count) tokens", unit: "tokens/s",
                              detail: "prefill into an empty slot, LM head on the last position") {
                cache.reset(slot: 0)
                _ = llama.prefill(tokens: tokens, slot: 0, cache: cache)
                return Double(count)
            }
            emit(row)
        }
    }

    /// `BatchGenerator` with one prompt and G samples, 128 forced new tokens, T = 1 (no top-k/top-p), on f32
    /// and on bf16 decode weights (rows named "… bf16").
    private func benchSampling(_ llama: LlamaModel, prompt: [Int32], groups: [Int], precisions: [DecodeWeightPrecision],
                               _ emit: (Row) -> Void) throws {
        // Weights packed once per precision and kept across calls, as a server keeps them.
        llama.keepsDecodePanels = true
        defer {
            llama.decodeWeightPrecision = .f32
            llama.keepsDecodePanels = false
            llama.releaseDecodePanels()
        }
        for precision in precisions {
            llama.decodeWeightPrecision = precision
            let suffix = precision == .f32 ? "" : " \(precision.rawValue)"
            for group in groups {
                let generator = BatchGenerator(model: llama, maximumConcurrentSequences: group)
                var seed: UInt64 = 1
                var decodeRates: [Double] = []
                let parameters = SamplingParameters(temperature: 1, topK: 0, topP: 1, maxNewTokens: 128)
                var failure: Error?
                let row = measure(section: "sampling", name: "\(group) seqs x 128 new, prompt \(prompt.count)\(suffix)",
                                  unit: "tokens/s", detail: "") {
                    var p = parameters
                    p.seed = seed
                    seed += 1
                    do {
                        let batch = try generator.complete(CompletionRequest(prompts: [prompt], samplesPerPrompt: group, parameters: p),
                                                           decoder: nil)
                        decodeRates.append(Double(batch.statistics.generatedTokens - group) / max(1e-9, batch.statistics.decodeSeconds))
                        return Double(batch.statistics.generatedTokens)
                    } catch {
                        failure = error
                        return 0
                    }
                }
                if let failure { throw failure }
                var withDetail = row
                decodeRates.sort()
                withDetail.detail = "\(precision.rawValue) decode weights (packed once, kept across calls); wall of the whole call incl. prefill; "
                    + String(format: "decode steps alone %.1f tokens/s", decodeRates[decodeRates.count / 2])
                emit(withDetail)
            }
        }
    }

    /// Forward (log-probs of every next token) + backward at B × T random tokens; no optimizer step.
    private func benchTraining(_ llama: LlamaModel, _ emit: (Row) -> Void) {
        let b = 8, t = 256, v = llama.configuration.vocabularySize
        var state: UInt64 = 12345
        let tokens = (0..<(b * t)).map { _ -> Int32 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int32((state >> 33) % UInt64(v))
        }
        let batch = TokenBatch(tokens: tokens, batch: b, length: t)
        let gradient = [Float](repeating: -1 / Float(b * (t - 1)), count: b * t)
        let row = measure(section: "train", name: "fwd+bwd \(b) x \(t)", unit: "tokens/s",
                          detail: "tokenLogProbs(keepActivations: true) + backward, fp32, no optimizer step") {
            _ = llama.tokenLogProbs(batch, keepActivations: true)
            llama.backward(logProbGradient: gradient)
            return Double(b * t)
        }
        emit(row)
    }

    /// Training attention forward + backward over the model's heads for one packed GRPO micro-batch row (a
    /// 43-token prompt and four 52-token completions, as `r1 bench-grpo --micro-batch 4` packs them), per layer.
    private func benchAttention(_ cfg: LlamaConfiguration, _ emit: (Row) -> Void) {
        let prompt = 43, completions = [52, 52, 52, 52]
        let t = prompt + completions.reduce(0, +)
        let qd = cfg.queryDim, kvd = cfg.kvDim
        var starts = [Int32](repeating: 0, count: t)
        var cursor = prompt
        for length in completions {
            for i in cursor..<cursor + length { starts[i] = Int32(cursor) }
            cursor += length
        }
        let prefix: [Int32] = [Int32(prompt)]
        let q = Self.randomBuffer(t * qd, seed: 3), k = Self.randomBuffer(t * kvd, seed: 4), v = Self.randomBuffer(t * kvd, seed: 5)
        let dout = Self.randomBuffer(t * qd, seed: 6), out = Self.randomBuffer(t * qd, seed: 7)
        let dq = Self.randomBuffer(t * qd, seed: 8), dk = Self.randomBuffer(t * kvd, seed: 9), dv = Self.randomBuffer(t * kvd, seed: 10)
        defer { for buffer in [q, k, v, dout, out, dq, dk, dv] { buffer.deallocate() } }
        let layers = cfg.layerCount
        let row = measure(section: "attention", name: "packed row \(prompt)+4x\(completions[0]) fwd+bwd", unit: "layers/s",
                          detail: "attentionForward + attentionBackward, \(cfg.headCount) heads, \(cfg.kvHeadCount) kv heads, one row of \(t)") {
            starts.withUnsafeBufferPointer { segmentStarts in
                prefix.withUnsafeBufferPointer { sharedPrefix in
                    for _ in 0..<layers {
                        attentionForward(out, nil, q, k, v, nil, segmentStarts: segmentStarts.baseAddress, sharedPrefix: sharedPrefix.baseAddress,
                                         batch: 1, length: t, heads: cfg.headCount, kvHeads: cfg.kvHeadCount, headDim: cfg.headDim)
                        attentionBackward(dq, dk, dv, dout, q, k, v, nil, segmentStarts: segmentStarts.baseAddress,
                                          sharedPrefix: sharedPrefix.baseAddress, batch: 1, length: t, heads: cfg.headCount,
                                          kvHeads: cfg.kvHeadCount, headDim: cfg.headDim)
                    }
                }
            }
            return Double(layers)
        }
        emit(row)
    }

    // MARK: measurement

    /// Runs `body` once to warm up, then `repeats` times; each call returns the work done (tokens, GFLOP).
    private func measure(section: String, name: String, unit: String, detail: String, _ body: () -> Double) -> Row {
        _ = body()
        let load = Self.loadAverage1()
        let cpuStart = Self.cpuSeconds()
        let wallStart = Date()
        var rates: [Double] = []
        var totalWork = 0.0
        for _ in 0..<repeats {
            let start = Date()
            let work = body()
            totalWork += work
            rates.append(work / max(1e-9, Date().timeIntervalSince(start)))
        }
        let cpu = Self.cpuSeconds() - cpuStart, wall = Date().timeIntervalSince(wallStart)
        let sorted = rates.sorted()
        return Row(section: section, name: name, unit: unit, median: sorted[sorted.count / 2], min: sorted[0],
                   max: sorted[sorted.count - 1], threads: threads, load1: load, cpuPerWall: cpu / max(1e-9, wall),
                   perCPUSecond: totalWork / max(1e-9, cpu), detail: detail)
    }

    private static func format(_ row: Row) -> String {
        pad(row.section, 9) + pad(row.name, 34) + String(format: "%10.1f %10.1f %10.1f %10.1f ", row.median, row.min, row.max,
                                                         row.perCPUSecond)
            + pad(row.unit, 9) + String(format: "%6.2f %6.2f", row.load1, row.cpuPerWall)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count) + " "
    }

    /// A fixed English prompt, tokenized and cut (or repeated) to exactly `count` tokens.
    static func promptTokens(_ tokenizer: BPETokenizer, count: Int) -> [Int32] {
        let text = "A farmer has 17 sheep and buys 5 more each week. After some weeks she sells half of the flock "
            + "at the market and keeps the rest for the winter. Explain step by step how many sheep she has left "
            + "after four weeks, and check the answer with a second method before writing it down. "
        let ids = tokenizer.encode(text, addSpecialTokens: false)
        var out: [Int32] = []
        while out.count < count { out += ids }
        return Array(out.prefix(count))
    }

    private static func randomBuffer(_ count: Int, seed: UInt64) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        var state = seed
        for i in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            p[i] = Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 20000
        }
        return p
    }

    /// Writes a line to standard output at once (unbuffered, so progress shows when piped).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// CPU seconds of this process, all threads (user + system).
    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The 1-minute load average from /proc/loadavg (-1 when unavailable).
    static func loadAverage1() -> Double {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").first.flatMap { Double($0) } ?? -1
    }

    /// "model name" from /proc/cpuinfo.
    static func cpuName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        }
        return "unknown"
    }
}
