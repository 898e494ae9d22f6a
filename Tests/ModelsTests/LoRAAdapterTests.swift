// LoRA on the tiny models: a fresh adapter is a no-op, the adapter path's backward matches finite
// differences (with and without dropout), only the adapter receives gradients, merging (for inference and
// for good) reproduces the adapted model, and the reference log-probs are the base model's.
import Foundation
import Testing
@testable import Models
@testable import TensorEngine

@Suite struct LoRAAdapterTests {
    static let allLinear = LoRAConfiguration(rank: 3, alpha: 6, dropout: 0, targetModules: ["all-linear"])

    /// A model with an attached adapter whose B is random (non-zero), so the adapter changes the outputs.
    static func adapted(_ configuration: LlamaConfiguration, lora: LoRAConfiguration = allLinear) throws -> (LlamaModel, LoRAAdapter) {
        let model = try TinyModels.model(configuration)
        let adapter = try LoRAAdapter(modelConfiguration: configuration, configuration: lora, seed: 5)
        var g = SplitMix64(seed: 99)
        for entry in adapter.parameters.layout.entries where entry.name.contains("lora_B") {
            let view = adapter.parameters[entry.name]
            for i in 0..<view.count { view[i] = 0.4 * (Float(g.next() >> 40) / Float(1 << 24) * 2 - 1) }
        }
        try model.attachAdapter(adapter)
        return (model, adapter)
    }

    static func batch(_ configuration: LlamaConfiguration) -> TokenBatch {
        let v = configuration.vocabularySize
        return TokenBatch(rightPadding: [TinyModels.tokens(6, vocabulary: v, seed: 21), TinyModels.tokens(4, vocabulary: v, seed: 22)],
                          targetStarts: [2, 1])
    }

    @Test(arguments: TinyModels.configurations) func freshAdapterGivesBaseLogitsExactly(configuration: LlamaConfiguration) throws {
        let model = try TinyModels.model(configuration)
        let batch = Self.batch(configuration)
        let base = model.logits(batch)
        let adapter = try LoRAAdapter(modelConfiguration: configuration, configuration: Self.allLinear, seed: 3)
        // PEFT initialisation: B = 0, A bounded by 1/√in and not all zero.
        for entry in adapter.parameters.layout.entries {
            let values = Array(adapter.parameters[entry.name])
            if entry.name.contains("lora_B") {
                #expect(values.allSatisfy { $0 == 0 })
            } else {
                let bound = 1 / Float(entry.shape[1]).squareRoot()
                #expect(values.allSatisfy { abs($0) <= bound } && values.contains { $0 != 0 })
            }
        }
        try model.attachAdapter(adapter)
        #expect(model.logits(batch) == base)
        #expect(model.tokenLogProbs(batch, keepActivations: true) == model.tokenLogProbsWithoutAdapter(batch))
    }

    @Test(arguments: TinyModels.configurations) func adapterChangesLogitsAndReferenceIsTheBase(configuration: LlamaConfiguration) throws {
        let base = try TinyModels.model(configuration)
        let (model, _) = try Self.adapted(configuration)
        let batch = Self.batch(configuration)
        let adapted = model.tokenLogProbs(batch, temperature: 0.9, keepActivations: false)
        let reference = model.tokenLogProbsWithoutAdapter(batch, temperature: 0.9)
        #expect(reference == base.tokenLogProbs(batch, temperature: 0.9, keepActivations: false))
        #expect(maxRelativeDifference(adapted, reference) > 1e-3)
        #expect(model.isAdapterEnabled)
    }

    /// Central differences of Σ g·logp (accumulated in Double) for A and B of every wrapped projection.
    @Test(arguments: [(0, 0.0), (1, 0.0), (0, 0.3), (1, 0.3)])
    func adapterBackwardMatchesFiniteDifferences(configurationIndex: Int, dropout: Double) throws {
        let configuration = TinyModels.configurations[configurationIndex]
        var lora = Self.allLinear
        lora.dropout = dropout
        let (model, adapter) = try Self.adapted(configuration, lora: lora)
        let batch = Self.batch(configuration)
        let upstream = (0..<batch.tokens.count).map { Float(($0 * 7) % 5) - 2 }
        // A training forward (keepActivations: true) with a fixed dropout counter draws the same masks each time.
        func objective() -> Double {
            adapter.dropoutStep = 17
            return zip(model.tokenLogProbs(batch, temperature: 0.9, keepActivations: true), upstream)
                .reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        model.zeroGradients()
        _ = objective()
        model.backward(logProbGradient: upstream)
        let grads = model.trainableGradients
        #expect(grads === adapter.gradients)
        var checked = 0, worst: Double = 0
        for entry in adapter.parameters.layout.entries {
            let weights = adapter.parameters[entry.name], g = grads[entry.name]
            for i in stride(from: entry.count / 5, to: entry.count, by: max(1, entry.count / 2)) {
                let saved = weights[i], h: Float = 1e-2
                weights[i] = saved + h
                let plus = objective()
                weights[i] = saved - h
                let minus = objective()
                weights[i] = saved
                let numeric = (plus - minus) / (2 * Double(h))
                let error = abs(Double(g[i]) - numeric) / (1e-2 + abs(numeric))
                worst = max(worst, error)
                if error > 3e-2 { Issue.record("\(entry.name)[\(i)]: analytic \(g[i]) numeric \(numeric)") }
                checked += 1
            }
        }
        #expect(checked >= 2 * adapter.parameters.layout.entries.count)
        #expect(worst < 3e-2)
        // Dropout is on only in the training forward: it changes those log-probs but not the eval ones.
        if dropout > 0 {
            adapter.dropoutStep = 17
            let train = model.tokenLogProbs(batch, keepActivations: true)
            let eval = model.tokenLogProbs(batch, keepActivations: false)
            #expect(maxRelativeDifference(train, eval) > 1e-4)
        }
    }

    @Test(arguments: TinyModels.configurations) func onlyTheAdapterGetsGradients(configuration: LlamaConfiguration) throws {
        let (model, adapter) = try Self.adapted(configuration)
        let before = Array(model.parameters.flat)
        let batch = Self.batch(configuration)
        model.zeroGradients()
        _ = model.tokenLogProbs(batch, keepActivations: true)
        model.backward(logProbGradient: [Float](repeating: 1, count: batch.tokens.count))
        #expect(adapter.gradients.flat.contains { $0 != 0 })
        #expect(model.trainableParameters === adapter.parameters)
        #expect(model.gradients.flat.allSatisfy { $0 == 0 })
        #expect(Array(model.parameters.flat) == before)
        // Detached, the full weights are trainable again.
        model.detachAdapter()
        #expect(model.trainableParameters === model.parameters)
        #expect(model.trainableGradients === model.gradients)
    }

    /// Reference and scoring forwards between the training forward and its backward leave the kept activations intact.
    @Test func scoringForwardsDoNotDisturbTheBackward() throws {
        let configuration = TinyModels.configurations[0]
        var lora = Self.allLinear
        lora.dropout = 0.2
        let (model, adapter) = try Self.adapted(configuration, lora: lora)
        let batch = Self.batch(configuration)
        let upstream = (0..<batch.tokens.count).map { Float($0 % 3) - 1 }
        func gradients(interleave: Bool) -> [Float] {
            model.zeroGradients()
            adapter.dropoutStep = 3
            _ = model.tokenLogProbs(batch, keepActivations: true)
            if interleave {
                _ = model.tokenLogProbsWithoutAdapter(batch)
                _ = model.tokenLogProbs(batch, keepActivations: false)
                _ = model.logits(batch)
            }
            model.backward(logProbGradient: upstream)
            return Array(adapter.gradients.flat)
        }
        let plain = gradients(interleave: false)
        #expect(plain.contains { $0 != 0 })
        #expect(gradients(interleave: true) == plain)
        #expect(adapter.dropoutStep == 4, "only the training forward draws a dropout mask")
    }

    @Test(arguments: TinyModels.configurations) func mergedModelMatchesAdapter(configuration: LlamaConfiguration) throws {
        let (model, _) = try Self.adapted(configuration)
        let batch = Self.batch(configuration)
        let adapted = model.logits(batch)
        let base = Array(model.parameters.flat)
        // Merge for inference: the KV-cached path now runs the adapted model; restoring gives W0 bit for bit.
        let tokens = Array(batch.tokens[0..<6])
        model.mergeAdapterForInference()
        #expect(model.isAdapterMergedForInference)
        let cache = KVCache(configuration: configuration, slots: 1, capacity: 8)
        let cached = model.prefill(tokens: tokens, slot: 0, cache: cache)
        let v = configuration.vocabularySize
        #expect(maxRelativeDifference(cached, Array(adapted[(5 * v)..<(6 * v)])) < 1e-4)
        model.restoreWeightsAfterInference()
        #expect(Array(model.parameters.flat) == base)
        #expect(model.logits(batch) == adapted)
        // Merge for good: logits of the merged model equal the adapted ones.
        try model.mergeAndDetachAdapter()
        #expect(model.adapter == nil)
        let merged = model.logits(batch)
        var worst: Float = 0
        for i in merged.indices { worst = max(worst, abs(merged[i] - adapted[i])) }
        #expect(worst < 1e-5)
        #expect(maxRelativeDifference(Array(model.parameters.flat), base) > 1e-3)
    }

    @Test func mergeAddsScaledProduct() throws {
        // rsLoRA: s = α/√r; W' − W0 = s·B·A, checked element by element against a direct triple loop.
        let configuration = TinyModels.configurations[0]
        let lora = LoRAConfiguration(rank: 4, alpha: 3, dropout: 0, targetModules: ["o_proj"], useRSLoRA: true)
        let (model, adapter) = try Self.adapted(configuration, lora: lora)
        #expect(adapter.scale == Float(3 / 2.0))
        let name = LlamaTensorName.layer(1, "self_attn.o_proj.weight")
        let w0 = Array(model.parameters[name])
        let a = Array(adapter.parameters[LoRAAdapter.tensorName(layer: 1, target: .o, matrix: .a)])
        let b = Array(adapter.parameters[LoRAAdapter.tensorName(layer: 1, target: .o, matrix: .b)])
        try model.mergeAndDetachAdapter()
        let merged = Array(model.parameters[name])
        let (inF, outF) = LoRATarget.o.features(configuration)
        for o in 0..<outF {
            for i in 0..<inF {
                var sum = 0.0
                for k in 0..<4 { sum += Double(b[o * 4 + k]) * Double(a[k * inF + i]) }
                #expect(abs(Double(merged[o * inF + i]) - (Double(w0[o * inF + i]) + 1.5 * sum)) < 1e-5)
            }
        }
    }

    @Test func saveLoadRoundTripAndConfigFields() throws {
        let configuration = TinyModels.configurations[1]
        let lora = LoRAConfiguration(rank: 2, alpha: 5, dropout: 0.1, targetModules: ["v_proj", "gate_proj", "q_proj"])
        let (model, adapter) = try Self.adapted(configuration, lora: lora)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lora-roundtrip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try adapter.save(to: directory, baseModelNameOrPath: "HuggingFaceTB/SmolLM2-135M-Instruct")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("adapter_config.json"))) as! [String: Any]
        #expect(json["peft_type"] as? String == "LORA")
        #expect(json["task_type"] as? String == "CAUSAL_LM")
        #expect(json["r"] as? Int == 2)
        #expect(json["lora_alpha"] as? Double == 5)
        #expect(json["lora_dropout"] as? Double == 0.1)
        #expect(json["target_modules"] as? [String] == ["q_proj", "v_proj", "gate_proj"])
        #expect(json["base_model_name_or_path"] as? String == "HuggingFaceTB/SmolLM2-135M-Instruct")
        #expect(json["bias"] as? String == "none")
        let loaded = try LoRAAdapter.load(from: directory, modelConfiguration: configuration)
        #expect(loaded.targets == [.q, .v, .gate])
        #expect(loaded.configuration.rank == 2 && loaded.configuration.alpha == 5 && loaded.configuration.dropout == 0.1)
        #expect(Array(loaded.parameters.flat) == Array(adapter.parameters.flat))
        let batch = Self.batch(configuration)
        let expected = model.logits(batch)
        model.detachAdapter()
        try model.attachAdapter(loaded)
        #expect(model.logits(batch) == expected)
        // PEFT also allows a regular expression as target_modules: the targets then come from the tensors.
        var edited = json
        edited["target_modules"] = #".*\.(q_proj|v_proj|gate_proj)$"#
        try JSONSerialization.data(withJSONObject: edited).write(to: directory.appendingPathComponent("adapter_config.json"))
        let fromRegex = try LoRAAdapter.load(from: directory, modelConfiguration: configuration)
        #expect(fromRegex.targets == [.q, .v, .gate])
        #expect(Array(fromRegex.parameters.flat) == Array(adapter.parameters.flat))
        // An adapter for another model is refused with a typed error.
        #expect(throws: LoRAError.self) { try LoRAAdapter.load(from: directory, modelConfiguration: TinyModels.configurations[0]) }
    }

    @Test func invalidSettingsAreRejected() {
        #expect(throws: LoRAError.self) { try LoRAConfiguration(rank: 0).validate() }
        #expect(throws: LoRAError.self) { try LoRAConfiguration(dropout: 1).validate() }
        #expect(throws: LoRAError.self) { try LoRAConfiguration(targetModules: ["lm_head"]).validate() }
        #expect(throws: LoRAError.self) { try LoRAConfiguration(alpha: 0).validate() }
        #expect((try? LoRAConfiguration(targetModules: ["all-linear"]).resolvedTargets()) == LoRATarget.allCases)
        #expect((try? LoRAConfiguration(targetModules: ["model.layers.0.self_attn.k_proj", "k_proj"]).resolvedTargets()) == [.k])
    }
}
