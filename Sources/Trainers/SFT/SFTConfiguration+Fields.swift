// SFTConfiguration+Fields.swift — the table of external (TRL SFTConfig) keys: how each is read from a
// RecipeValue and written back. Recipes, `--set` overrides and Codable go through it, so a key means the
// same everywhere and an unknown key is always an error (with the nearest known key as a hint).
import Foundation
import Training

extension SFTConfiguration {
    /// One external key: its name, its type for messages, and how to read and write it.
    struct Field {
        let key: String
        let expected: String
        let read: (SFTConfiguration) -> RecipeValue
        let write: (inout SFTConfiguration, RecipeValue) -> Bool

        static func double(_ key: String, _ path: WritableKeyPath<SFTConfiguration, Double>) -> Field {
            Field(key: key, expected: "a number", read: { .double($0[keyPath: path]) }) { c, v in
                guard let d = SFTRecipeValues.double(v) else { return false }
                c[keyPath: path] = d
                return true
            }
        }

        static func int(_ key: String, _ path: WritableKeyPath<SFTConfiguration, Int>) -> Field {
            Field(key: key, expected: "an integer", read: { .int($0[keyPath: path]) }) { c, v in
                guard let i = SFTRecipeValues.int(v) else { return false }
                c[keyPath: path] = i
                return true
            }
        }

        static func bool(_ key: String, _ path: WritableKeyPath<SFTConfiguration, Bool>) -> Field {
            Field(key: key, expected: "true or false", read: { .bool($0[keyPath: path]) }) { c, v in
                guard let b = SFTRecipeValues.bool(v) else { return false }
                c[keyPath: path] = b
                return true
            }
        }

        static func choice<E: RawRepresentable & CaseIterable>(
            _ key: String, _ path: WritableKeyPath<SFTConfiguration, E>
        ) -> Field where E.RawValue == String {
            let names = E.allCases.map(\.rawValue).joined(separator: ", ")
            return Field(key: key, expected: "one of \(names)", read: { .string($0[keyPath: path].rawValue) }) { c, v in
                guard case let .string(s) = v, let e = E(rawValue: s.lowercased()) else { return false }
                c[keyPath: path] = e
                return true
            }
        }

        static func strings(_ key: String, _ path: WritableKeyPath<SFTConfiguration, [String]>) -> Field {
            Field(key: key, expected: "a list of names", read: { .list($0[keyPath: path].map(RecipeValue.string)) }) { c, v in
                let list: [RecipeValue]
                switch v {
                case let .list(items): list = items
                case .null: list = []
                default: list = [v]
                }
                var names: [String] = []
                for item in list {
                    guard case let .string(s) = item, !s.isEmpty else { return false }
                    names.append(s)
                }
                c[keyPath: path] = names
                return true
            }
        }
    }

    /// Every key, in recipe order.
    static var fields: [Field] {
        [
        .double("learning_rate", \.learningRate),
        .double("num_train_epochs", \.numTrainEpochs),
        .int("max_steps", \.maxSteps),
        .int("per_device_train_batch_size", \.perDeviceTrainBatchSize),
        .int("per_device_eval_batch_size", \.perDeviceEvalBatchSize),
        .int("gradient_accumulation_steps", \.gradientAccumulationSteps),
        .int("max_length", \.maxLength),
        .bool("packing", \.packing),
        .choice("lr_scheduler_type", \.lrSchedulerType),
        .double("min_lr_rate", \.minLRRate),
        .double("warmup_ratio", \.warmupRatio),
        .int("warmup_steps", \.warmupSteps),
        .double("weight_decay", \.weightDecay),
        .double("adam_beta1", \.adamBeta1),
        .double("adam_beta2", \.adamBeta2),
        .double("adam_epsilon", \.adamEpsilon),
        .double("max_grad_norm", \.maxGradNorm),
        .int("seed", \.seed),
        .int("save_steps", \.saveSteps),
        .int("save_total_limit", \.saveTotalLimit),
        .int("logging_steps", \.loggingSteps),
        .int("eval_steps", \.evalSteps),
        .bool("assistant_only_loss", \.assistantOnlyLoss),
        .bool("completion_only_loss", \.completionOnlyLoss),
        .choice("chat_template", \.chatTemplate),
        .bool("use_peft", \.usePEFT),
        .int("lora_r", \.loraR),
        .double("lora_alpha", \.loraAlpha),
        .double("lora_dropout", \.loraDropout),
        .strings("lora_target_modules", \.loraTargetModules),
        ]
    }

    /// All accepted keys, in recipe order.
    public static var keys: [String] { fields.map(\.key) }

    /// Sets one field from an external key and value.
    /// - Parameters:
    ///   - key: a key from `keys` (`-` is accepted for `_`).
    ///   - value: the value to convert.
    ///   - source: where the value came from, for messages (file path and line, or "command line").
    /// - Throws: `SFTError.unknownKey` (with the nearest key) or `TrainingError.invalidValue`.
    public mutating func set(_ key: String, to value: RecipeValue, source: String) throws {
        let normalized = key.replacingOccurrences(of: "-", with: "_")
        guard let field = Self.fields.first(where: { $0.key == normalized }) else {
            throw SFTError.unknownKey(key: key, source: source, suggestion: Self.nearestKey(to: normalized))
        }
        guard field.write(&self, value) else {
            throw TrainingError.invalidValue(key: field.key, value: value.text, expected: field.expected, source: source)
        }
    }

    /// The value of an external key, or nil for an unknown key.
    /// - Parameter key: a key from `keys`.
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
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Conversions of recipe values to field types (RecipeValue's own accessors are internal to Training).
enum SFTRecipeValues {
    static func double(_ v: RecipeValue) -> Double? {
        switch v {
        case let .int(i): return Double(i)
        case let .double(d): return d
        case let .string(s): return Double(s.replacingOccurrences(of: "_", with: ""))
        default: return nil
        }
    }

    static func int(_ v: RecipeValue) -> Int? {
        switch v {
        case let .int(i): return i
        case let .double(d): return d.rounded() == d && abs(d) < 1e15 ? Int(d) : nil
        case let .string(s): return Int(s.replacingOccurrences(of: "_", with: ""))
        default: return nil
        }
    }

    static func bool(_ v: RecipeValue) -> Bool? {
        switch v {
        case let .bool(b): return b
        case let .int(i): return i == 0 ? false : i == 1 ? true : nil
        case let .string(s):
            switch s.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: return nil
            }
        default: return nil
        }
    }
}

// MARK: - Codable through the field table

extension SFTConfiguration: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes a (possibly partial) configuration: absent keys keep their defaults, unknown keys throw.
    /// The result is not validated; call `validate()`.
    public init(from decoder: Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            try set(key.stringValue, to: try container.decode(RecipeValue.self, forKey: key), source: "decoded configuration")
        }
    }

    /// Encodes every key in recipe order.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for field in Self.fields { try container.encode(field.read(self), forKey: Key(field.key)) }
    }
}
