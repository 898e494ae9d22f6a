// GRPOConfiguration+Fields.swift — the table of external (TRL-style) keys of GRPOConfiguration: how
// each is read from a RecipeValue and written back. Recipes, overrides and Codable all go through it,
// so a key means the same thing everywhere and an unknown key is always an error.

import Foundation

extension GRPOConfiguration {
    /// One external key: its name, its type for messages, and how to read and write it.
    struct Field {
        let key: String
        let expected: String
        let read: (GRPOConfiguration) -> RecipeValue
        let write: (inout GRPOConfiguration, RecipeValue) -> Bool

        static func double(_ key: String, _ path: WritableKeyPath<GRPOConfiguration, Double>) -> Field {
            Field(key: key, expected: "a number", read: { .double($0[keyPath: path]) }) { c, v in
                guard let d = v.asDouble else { return false }
                c[keyPath: path] = d
                return true
            }
        }

        static func optionalDouble(_ key: String, _ path: WritableKeyPath<GRPOConfiguration, Double?>) -> Field {
            Field(key: key, expected: "a number or null", read: { $0[keyPath: path].map(RecipeValue.double) ?? .null }) { c, v in
                if v == .null { c[keyPath: path] = nil; return true }
                guard let d = v.asDouble else { return false }
                c[keyPath: path] = d
                return true
            }
        }

        static func int(_ key: String, _ path: WritableKeyPath<GRPOConfiguration, Int>) -> Field {
            Field(key: key, expected: "an integer", read: { .int($0[keyPath: path]) }) { c, v in
                guard let i = v.asInt else { return false }
                c[keyPath: path] = i
                return true
            }
        }

        static func bool(_ key: String, _ path: WritableKeyPath<GRPOConfiguration, Bool>) -> Field {
            Field(key: key, expected: "true or false", read: { .bool($0[keyPath: path]) }) { c, v in
                guard let b = v.asBool else { return false }
                c[keyPath: path] = b
                return true
            }
        }

        static func choice<E: RawRepresentable & CaseIterable>(
            _ key: String, _ path: WritableKeyPath<GRPOConfiguration, E>, aliases: [String: E] = [:]
        ) -> Field where E.RawValue == String {
            let names = E.allCases.map(\.rawValue).joined(separator: ", ")
            return Field(key: key, expected: "one of \(names)", read: { .string($0[keyPath: path].rawValue) }) { c, v in
                guard let s = v.asString, let e = E(rawValue: s.lowercased()) ?? aliases[s.lowercased()] else { return false }
                c[keyPath: path] = e
                return true
            }
        }

        static func strings(_ key: String, _ path: WritableKeyPath<GRPOConfiguration, [String]>) -> Field {
            Field(key: key, expected: "a list of names", read: { .list($0[keyPath: path].map(RecipeValue.string)) }) { c, v in
                let items = v.asList.compactMap(\.asString)
                guard items.count == v.asList.count else { return false }
                c[keyPath: path] = items
                return true
            }
        }

        /// A list of names, or one name (e.g. `all-linear`) standing for a one-element list.
        static func loraTargets(_ key: String, _ path: WritableKeyPath<GRPOConfiguration, [String]>) -> Field {
            Field(key: key, expected: "a list of module names or all-linear",
                  read: { .list($0[keyPath: path].map(RecipeValue.string)) }) { c, v in
                if let single = v.asString { c[keyPath: path] = [single]; return true }
                let items = v.asList.compactMap(\.asString)
                guard items.count == v.asList.count else { return false }
                c[keyPath: path] = items
                return true
            }
        }

        static func optionalDoubles(_ key: String, _ path: WritableKeyPath<GRPOConfiguration, [Double]?>) -> Field {
            Field(key: key, expected: "a list of numbers or null",
                  read: { $0[keyPath: path].map { .list($0.map(RecipeValue.double)) } ?? .null }) { c, v in
                if v == .null { c[keyPath: path] = nil; return true }
                let items = v.asList.compactMap(\.asDouble)
                guard items.count == v.asList.count else { return false }
                c[keyPath: path] = items
                return true
            }
        }
    }

    /// Every key in recipe order.
    static var fields: [Field] {
        [
            .double("learning_rate", \.learningRate),
            .choice("lr_scheduler_type", \.lrSchedulerType),
            .double("warmup_ratio", \.warmupRatio),
            .double("min_lr_ratio", \.minLRRatio),
            .double("weight_decay", \.weightDecay),
            .double("adam_beta1", \.adamBeta1),
            .double("adam_beta2", \.adamBeta2),
            .double("adam_epsilon", \.adamEpsilon),
            .double("max_grad_norm", \.maxGradNorm),
            .int("max_steps", \.maxSteps),
            .int("per_device_train_batch_size", \.perDeviceTrainBatchSize),
            .bool("pack_prompts", \.packPrompts),
            .int("micro_batch_token_limit", \.microBatchTokenLimit),
            .int("gradient_accumulation_steps", \.gradientAccumulationSteps),
            .int("prompts_per_step", \.promptsPerStep),
            .int("num_generations", \.numGenerations),
            .int("max_prompt_length", \.maxPromptLength),
            .int("max_completion_length", \.maxCompletionLength),
            .double("temperature", \.temperature),
            .double("top_p", \.topP),
            .int("top_k", \.topK),
            .double("min_p", \.minP),
            .choice("sampler_precision", \.samplerPrecision),
            .double("beta", \.beta),
            .double("epsilon", \.epsilon),
            .optionalDouble("epsilon_high", \.epsilonHigh),
            .optionalDouble("delta", \.delta),
            .bool("use_bias_correction_kl", \.useBiasCorrectionKL),
            .choice("loss_type", \.lossType),
            .choice("importance_sampling_level", \.importanceSamplingLevel),
            // TRL maps the old booleans: true → group, false → none.
            .choice("scale_rewards", \.scaleRewards, aliases: ["true": .group, "false": .none]),
            .int("num_iterations", \.numIterations),
            .bool("mask_truncated_completions", \.maskTruncatedCompletions),
            .bool("dynamic_sampling", \.dynamicSampling),
            .int("max_dynamic_sampling_rounds", \.maxDynamicSamplingRounds),
            .int("reference_reset_steps", \.referenceResetSteps),
            .strings("reward_funcs", \.rewardFuncs),
            .optionalDoubles("reward_weights", \.rewardWeights),
            .int("seed", \.seed),
            .int("save_steps", \.saveSteps),
            .int("logging_steps", \.loggingSteps),
            .int("log_completions_steps", \.logCompletionsSteps),
            .bool("use_peft", \.usePeft),
            .int("lora_r", \.loraR),
            .double("lora_alpha", \.loraAlpha),
            .double("lora_dropout", \.loraDropout),
            .loraTargets("lora_target_modules", \.loraTargetModules),
        ]
    }

    /// All accepted keys, in recipe order.
    public static var keys: [String] { fields.map(\.key) }

    /// Sets one field from an external key and value.
    /// - Parameters:
    ///   - key: a key from `keys` (`-` is accepted for `_`).
    ///   - value: the value to convert.
    ///   - source: where the value came from, for messages (file path or "command line").
    /// - Throws: `TrainingError.unknownKey` or `TrainingError.invalidValue`.
    public mutating func set(_ key: String, to value: RecipeValue, source: String) throws {
        let normalized = key.replacingOccurrences(of: "-", with: "_")
        guard let field = Self.fields.first(where: { $0.key == normalized }) else {
            throw TrainingError.unknownKey(key: key, source: source, suggestion: Self.nearestKey(to: normalized))
        }
        guard field.write(&self, value) else {
            throw TrainingError.invalidValue(key: field.key, value: value.text, expected: field.expected, source: source)
        }
    }

    /// The value of an external key, or nil for an unknown key.
    public func value(forKey key: String) -> RecipeValue? {
        Self.fields.first { $0.key == key }.map { $0.read(self) }
    }

    /// The closest key by edit distance, if within 3 edits.
    static func nearestKey(to key: String) -> String? {
        let scored = keys.map { ($0, editDistance(Array(key), Array($0))) }.min { $0.1 < $1.1 }
        guard let best = scored, best.1 <= 3 else { return nil }
        return best.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

// MARK: - Codable through the field table

/// A coding key for any string.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension RecipeValue: Codable {
    /// Decodes any JSON/YAML scalar or list.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let v = try? container.decode(Bool.self) { self = .bool(v) }
        else if let v = try? container.decode(Int.self) { self = .int(v) }
        else if let v = try? container.decode(Double.self) { self = .double(v) }
        else if let v = try? container.decode(String.self) { self = .string(v) }
        else { self = .list(try container.decode([RecipeValue].self)) }
    }

    /// Encodes as the natural JSON/YAML value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .bool(v): try container.encode(v)
        case let .int(v): try container.encode(v)
        case let .double(v): try container.encode(v)
        case let .string(v): try container.encode(v)
        case let .list(v): try container.encode(v)
        case .null: try container.encodeNil()
        }
    }
}

extension GRPOConfiguration: Codable {
    /// Decodes a (possibly partial) configuration: absent keys keep their defaults, unknown keys throw.
    /// The result is not validated; call `validate()`.
    public init(from decoder: Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys {
            try set(key.stringValue, to: try container.decode(RecipeValue.self, forKey: key), source: "decoded configuration")
        }
    }

    /// Encodes every key in recipe order (nil optionals as null).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for field in Self.fields { try container.encode(field.read(self), forKey: AnyCodingKey(field.key)) }
    }
}
