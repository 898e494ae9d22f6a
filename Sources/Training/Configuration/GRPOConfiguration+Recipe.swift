// GRPOConfiguration+Recipe.swift — loading a configuration from a recipe file (YAML via Yams, or a flat
// TOML subset) and applying command-line style `key=value` overrides on top, then validating.
// Precedence: defaults < recipe < overrides. A recipe may nest its keys under a top-level `grpo:`
// mapping (or a `[grpo]` TOML table); other top-level sections are rejected as unknown keys.

import Foundation
import Yams

extension GRPOConfiguration {
    /// Loads a recipe file, applies overrides, and validates.
    /// - Parameters:
    ///   - url: a `.yaml`/`.yml`, `.toml` or `.json` file; nil starts from the defaults.
    ///   - overrides: `key=value` strings applied in order after the file.
    /// - Returns: the validated configuration.
    /// - Throws: `TrainingError.unreadableRecipe`, `.unknownKey`, `.invalidValue`, `.malformedOverride`,
    ///   `.invalidConfiguration`.
    public static func load(recipe url: URL?, overrides: [String] = []) throws -> GRPOConfiguration {
        var configuration = GRPOConfiguration()
        if let url {
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw TrainingError.unreadableRecipe(path: url.path, reason: error.localizedDescription)
            }
            let format = url.pathExtension.lowercased()
            try configuration.apply(recipeText: text, format: format == "toml" ? .toml : .yaml, source: url.path)
        }
        try configuration.apply(overrides: overrides)
        try configuration.validate()
        return configuration
    }

    /// Recipe syntaxes.
    public enum RecipeFormat: Sendable {
        /// YAML 1.1 (JSON is a subset).
        case yaml
        /// The flat subset of TOML: `key = value`, comments, one optional `[grpo]` table.
        case toml
    }

    /// Applies every key of a recipe text.
    /// - Parameters:
    ///   - text: file contents.
    ///   - format: YAML or TOML.
    ///   - source: the path for messages.
    /// - Throws: `TrainingError.unreadableRecipe` for syntax errors, `.unknownKey`/`.invalidValue` for content.
    public mutating func apply(recipeText text: String, format: RecipeFormat, source: String) throws {
        let pairs: [(String, RecipeValue)]
        switch format {
        case .yaml: pairs = try Self.parseYAML(text, source: source)
        case .toml: pairs = try Self.parseTOML(text, source: source)
        }
        for (key, value) in pairs { try set(key, to: value, source: source) }
    }

    /// Applies `key=value` overrides in order.
    /// - Throws: `TrainingError.malformedOverride`, `.unknownKey`, `.invalidValue`.
    public mutating func apply(overrides: [String]) throws {
        for text in overrides {
            guard let equals = text.firstIndex(of: "=") else { throw TrainingError.malformedOverride(text) }
            let key = text[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw TrainingError.malformedOverride(text) }
            try set(key, to: RecipeValue(overrideText: String(text[text.index(after: equals)...])), source: "command line")
        }
    }

    /// The configuration as YAML (every key, recipe order), for the run directory.
    public func yaml() throws -> String { try YAMLEncoder().encode(self) }

    static func parseYAML(_ text: String, source: String) throws -> [(String, RecipeValue)] {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw TrainingError.unreadableRecipe(path: source, reason: "YAML syntax error: \(error)")
        }
        guard let loaded else { return [] }
        guard var mapping = loaded as? [String: Any] else {
            throw TrainingError.unreadableRecipe(path: source, reason: "the top level must be a mapping of key: value")
        }
        if mapping.count == 1, let nested = mapping["grpo"] as? [String: Any] { mapping = nested }
        return try mapping.keys.sorted().map { key in
            guard let value = RecipeValue(any: mapping[key]) else {
                throw TrainingError.invalidValue(key: key, value: "\(mapping[key] ?? "null")",
                                                 expected: "a scalar or a list of scalars", source: source)
            }
            return (key, value)
        }
    }

    static func parseTOML(_ text: String, source: String) throws -> [(String, RecipeValue)] {
        var pairs: [(String, RecipeValue)] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripTOMLComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line == "[grpo]" { continue }
            if line.hasPrefix("[") {
                throw TrainingError.unreadableRecipe(path: source, reason: "line \(number + 1): only a [grpo] table is supported")
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw TrainingError.unreadableRecipe(path: source, reason: "line \(number + 1): expected key = value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let valueText = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            pairs.append((key, tomlValue(valueText)))
        }
        return pairs
    }

    private static func tomlValue(_ text: String) -> RecipeValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if text.hasPrefix("[") && text.hasSuffix("]") {
            let inner = text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            if inner.isEmpty { return .list([]) }
            return .list(inner.split(separator: ",").map { tomlValue($0.trimmingCharacters(in: .whitespaces)) }
                .filter { $0 != .string("") })
        }
        if text.hasPrefix("\"") || text.hasPrefix("'") { return .string(RecipeValue.unquote(text)) }
        if let i = Int(text.replacingOccurrences(of: "_", with: "")) { return .int(i) }
        if let d = Double(text.replacingOccurrences(of: "_", with: "")) { return .double(d) }
        return .string(text)
    }

    /// Removes a `#` comment that is not inside a quoted string.
    private static func stripTOMLComment(_ line: String) -> String {
        var quote: Character?
        for (offset, ch) in line.enumerated() {
            if let q = quote { if ch == q { quote = nil } }
            else if ch == "\"" || ch == "'" { quote = ch }
            else if ch == "#" { return String(line.prefix(offset)) }
        }
        return line
    }
}
