// RecipeValue.swift — an untyped value read from a recipe (YAML, TOML, JSON) or a key=value override,
// before a configuration field converts it to its own type.

import Foundation

/// A scalar or list value from a recipe or an override.
public enum RecipeValue: Sendable, Equatable {
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// Text (also numbers YAML left as strings, such as `1e-6`).
    case string(String)
    /// A list.
    case list([RecipeValue])
    /// An explicit null (`~`, `null`, `none`).
    case null

    /// Converts a value produced by `Yams.load` or `JSONSerialization` (Bool, Int, Double, String, arrays, NSNull).
    public init?(any value: Any?) {
        switch value {
        case nil: self = .null
        case is NSNull: self = .null
        case let v as Bool: self = .bool(v)
        case let v as Int: self = .int(v)
        case let v as Double: self = .double(v)
        case let v as String: self = .string(v)
        case let v as [Any]:
            var items: [RecipeValue] = []
            for item in v {
                guard let converted = RecipeValue(any: item) else { return nil }
                items.append(converted)
            }
            self = .list(items)
        default: return nil
        }
    }

    /// Parses the right-hand side of a `key=value` override: `[a, b]` or `a,b` → list, `null`/`none`/`~` → null,
    /// anything else → string (fields convert strings to their own type).
    public init(overrideText text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["null", "none", "~"].contains(trimmed.lowercased()) {
            self = .null
        } else if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
            let inner = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            self = .list(inner.isEmpty ? [] : inner.split(separator: ",").map {
                .string(Self.unquote($0.trimmingCharacters(in: .whitespaces)))
            })
        } else if trimmed.contains(",") {
            self = .list(trimmed.split(separator: ",").map { .string(Self.unquote($0.trimmingCharacters(in: .whitespaces))) })
        } else {
            self = .string(Self.unquote(trimmed))
        }
    }

    /// Text for messages.
    public var text: String {
        switch self {
        case let .bool(v): return String(v)
        case let .int(v): return String(v)
        case let .double(v): return String(v)
        case let .string(v): return v
        case let .list(v): return "[" + v.map(\.text).joined(separator: ", ") + "]"
        case .null: return "null"
        }
    }

    static func unquote(_ s: String) -> String {
        if s.count >= 2, (s.hasPrefix("\"") && s.hasSuffix("\"")) || (s.hasPrefix("'") && s.hasSuffix("'")) {
            return String(s.dropFirst().dropLast())
        }
        return s
    }

    /// The value as a Double, parsing strings.
    var asDouble: Double? {
        switch self {
        case let .int(v): return Double(v)
        case let .double(v): return v
        case let .string(v): return Double(v.replacingOccurrences(of: "_", with: ""))
        default: return nil
        }
    }

    /// The value as an Int, parsing strings and accepting integral doubles.
    var asInt: Int? {
        switch self {
        case let .int(v): return v
        case let .double(v): return v.rounded() == v && abs(v) < 1e15 ? Int(v) : nil
        case let .string(v): return Int(v.replacingOccurrences(of: "_", with: ""))
        default: return nil
        }
    }

    /// The value as a Bool, parsing true/false/yes/no/1/0.
    var asBool: Bool? {
        switch self {
        case let .bool(v): return v
        case let .int(v): return v == 0 ? false : v == 1 ? true : nil
        case let .string(v):
            switch v.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// The value as a String (numbers and bools spelled out).
    var asString: String? {
        switch self {
        case .list, .null: return nil
        default: return text
        }
    }

    /// The value as a list (a single scalar becomes a one-element list).
    var asList: [RecipeValue] {
        switch self {
        case let .list(v): return v
        case .null: return []
        default: return [self]
        }
    }
}
