// SFTConfiguration+Recipe.swift — loading a configuration from a recipe file and `KEY=VALUE` overrides.
// Precedence: defaults < recipe < overrides; the result is validated.
//
// A recipe is YAML holding an `sft:` mapping of TRL SFTConfig keys (top-level keys are accepted too):
//   sft:
//     learning_rate: 1.0e-4
//     lora_target_modules: [q_proj, v_proj]
// Values are scalars or flow lists (`[a, b]`), read as `--set` values are (RecipeValue(overrideText:)), so a
// key means the same in a file and on the command line. Trainers does not link a YAML parser (Yams is a
// dependency of Training only), so block lists and nested mappings are rejected with the line number.
import Foundation
import Training

extension SFTConfiguration {
    /// Loads a recipe file, applies overrides, and validates.
    /// - Parameters:
    ///   - url: a YAML recipe; nil starts from the defaults.
    ///   - overrides: `key=value` strings applied in order after the file.
    /// - Returns: the validated configuration.
    /// - Throws: `SFTError.unreadableRecipe`, `.unknownKey`; `TrainingError.invalidValue`, `.malformedOverride`,
    ///   `.invalidConfiguration`.
    public static func load(recipe url: URL?, overrides: [String] = []) throws -> SFTConfiguration {
        var configuration = SFTConfiguration()
        if let url {
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw SFTError.unreadableRecipe(path: url.path, reason: SFTRecord.sentence(error.localizedDescription))
            }
            try configuration.apply(recipeText: text, source: url.path)
        }
        try configuration.apply(overrides: overrides)
        try configuration.validate()
        return configuration
    }

    /// Applies every key of a recipe text (not validated).
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - source: the path, for messages.
    /// - Throws: `SFTError.unreadableRecipe` (form), `.unknownKey`; `TrainingError.invalidValue`.
    public mutating func apply(recipeText text: String, source: String) throws {
        for (line, key, value) in try Self.recipeEntries(text, source: source) {
            try set(key, to: value, source: "\(source):\(line)")
        }
    }

    /// Applies `key=value` overrides in order (not validated).
    /// - Parameter overrides: e.g. `learning_rate=1e-4`, `lora_target_modules=[q_proj,v_proj]`.
    /// - Throws: `TrainingError.malformedOverride`, `SFTError.unknownKey`, `TrainingError.invalidValue`.
    public mutating func apply(overrides: [String]) throws {
        for text in overrides {
            guard let equals = text.firstIndex(of: "=") else { throw TrainingError.malformedOverride(text) }
            var key = text[..<equals].trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("sft.") { key.removeFirst(4) }
            guard !key.isEmpty else { throw TrainingError.malformedOverride(text) }
            try set(key, to: RecipeValue(overrideText: String(text[text.index(after: equals)...])), source: "command line")
        }
    }

    /// The configuration as YAML under an `sft:` section (every key, recipe order), readable by `load`.
    public func yaml() -> String {
        var lines = ["sft:"]
        for field in Self.fields {
            let value = field.read(self)
            let text: String
            switch value {
            case let .list(items): text = "[" + items.map(\.text).joined(separator: ", ") + "]"
            case let .double(d): text = "\(d)"
            default: text = value.text
            }
            lines.append("  \(field.key): \(text)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The (line, key, value) entries of a recipe: keys of the `sft:` section and top-level scalar keys.
    static func recipeEntries(_ text: String, source: String) throws -> [(Int, String, RecipeValue)] {
        var entries: [(Int, String, RecipeValue)] = []
        var inSection = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(raw).replacingOccurrences(of: "\r", with: "")
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "---" { continue }
            let indented = line.first == " " || line.first == "\t"
            if trimmed.hasPrefix("- ") || trimmed == "-" {
                throw SFTError.unreadableRecipe(path: source, reason: "line \(number): block lists are not supported; write [a, b]")
            }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw SFTError.unreadableRecipe(path: source, reason: "line \(number): expected key: value")
            }
            let key = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
            let valueText = GRPORecipe.scalar(String(trimmed[trimmed.index(after: colon)...]))
            if !indented {
                if valueText.isEmpty {
                    guard key == "sft" else {
                        throw SFTError.unreadableRecipe(path: source, reason: "line \(number): unknown section '\(key):'; "
                                                        + "an SFT recipe holds an sft: section of TRL SFTConfig keys")
                    }
                    inSection = true
                    continue
                }
                inSection = false
            } else if !inSection {
                throw SFTError.unreadableRecipe(path: source, reason: "line \(number): nested mappings are only read under sft:")
            }
            if valueText.isEmpty {
                throw SFTError.unreadableRecipe(path: source, reason: "line \(number): '\(key)' has no value (nested mappings are not supported)")
            }
            entries.append((number, key, RecipeValue(overrideText: valueText)))
        }
        return entries
    }
}
