// RewardParameters.swift — untyped reward parameters from a recipe/CLI, read with validation.

/// A scalar parameter value as written in a recipe (YAML/JSON) or on the command line.
public enum RewardParameterValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case number(Double)
    case string(String)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        }
    }

    public var description: String {
        switch self {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return String(b)
        }
    }
}

/// Reads parameters for one reward, checking names and types; unknown names are rejected by `finish()`.
public struct RewardParameterReader {
    /// Reward name (for errors).
    public let reward: String
    private let values: [String: RewardParameterValue]
    private let allowed: [String]

    init(reward: String, values: [String: RewardParameterValue], allowed: [String]) {
        self.reward = reward
        self.values = values
        self.allowed = allowed
    }

    /// Rejects parameters that no reader call asked for.
    /// - Throws: `RewardsError.unknownParameter`.
    func finish() throws {
        for key in values.keys.sorted() where !allowed.contains(key) {
            throw RewardsError.unknownParameter(reward: reward, parameter: key, allowed: allowed)
        }
    }

    /// A number parameter.
    /// - Parameters:
    ///   - key: parameter name.
    ///   - default: value when absent; nil makes it required.
    /// - Returns: the value.
    /// - Throws: `RewardsError.invalidParameter` for a missing required value or a non-number.
    public func double(_ key: String, default def: Double?) throws -> Double {
        switch values[key] {
        case .number(let d)?: return d
        case nil:
            guard let def else { throw RewardsError.invalidParameter(reward: reward, parameter: key, value: "(missing)", expected: "a number (required)") }
            return def
        case let v?: throw RewardsError.invalidParameter(reward: reward, parameter: key, value: v.description, expected: "a number")
        }
    }

    /// An integer parameter.
    /// - Throws: `RewardsError.invalidParameter` for a missing required value or a non-integer.
    public func int(_ key: String, default def: Int?) throws -> Int {
        switch values[key] {
        case .number(let d)?:
            guard d == d.rounded(), abs(d) < 1e15 else {
                throw RewardsError.invalidParameter(reward: reward, parameter: key, value: "\(d)", expected: "an integer")
            }
            return Int(d)
        case nil:
            guard let def else { throw RewardsError.invalidParameter(reward: reward, parameter: key, value: "(missing)", expected: "an integer (required)") }
            return def
        case let v?: throw RewardsError.invalidParameter(reward: reward, parameter: key, value: v.description, expected: "an integer")
        }
    }

    /// A string parameter.
    /// - Throws: `RewardsError.invalidParameter` for a missing required value or a non-string.
    public func string(_ key: String, default def: String?) throws -> String {
        switch values[key] {
        case .string(let s)?: return s
        case nil:
            guard let def else { throw RewardsError.invalidParameter(reward: reward, parameter: key, value: "(missing)", expected: "a string (required)") }
            return def
        case let v?: throw RewardsError.invalidParameter(reward: reward, parameter: key, value: v.description, expected: "a string")
        }
    }

    /// A string parameter restricted to the raw values of an enum.
    /// - Throws: `RewardsError.invalidParameter` listing the allowed values.
    public func choice<E: RawRepresentable & CaseIterable>(_ key: String, default def: E) throws -> E where E.RawValue == String {
        let s = try string(key, default: def.rawValue)
        guard let e = E(rawValue: s) else {
            throw RewardsError.invalidParameter(reward: reward, parameter: key, value: "\"\(s)\"", expected: "one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return e
    }
}
