// RewardRegistry.swift — reward names → factories with validated parameters, so a recipe can say
// `rewards: [accuracy, format]`, `reward_weights: [1.0, 0.2]` (open-r1 `get_reward_funcs` / TRL names).

import Foundation

/// A recipe's reward selection: names, weights, per-reward parameters and timeouts.
public struct RewardSelection: Sendable, Equatable, Codable {
    /// Registered reward names (e.g. `["accuracy", "format"]`).
    public var rewards: [String]
    /// One weight per reward; empty = all 1.0 (TRL default).
    public var rewardWeights: [Double]
    /// Parameters per reward name (e.g. `["cosine": ["max_len": .number(1000)]]`).
    public var parameters: [String: [String: RewardParameterValue]]
    /// Per-sample (per-batch for external rewards) timeout in seconds per reward name.
    public var timeouts: [String: Double]

    enum CodingKeys: String, CodingKey {
        case rewards, rewardWeights = "reward_weights", parameters = "reward_parameters", timeouts = "reward_timeouts"
    }

    /// Creates a selection.
    public init(rewards: [String], rewardWeights: [Double] = [], parameters: [String: [String: RewardParameterValue]] = [:], timeouts: [String: Double] = [:]) {
        self.rewards = rewards
        self.rewardWeights = rewardWeights
        self.parameters = parameters
        self.timeouts = timeouts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rewards = try c.decode([String].self, forKey: .rewards)
        rewardWeights = try c.decodeIfPresent([Double].self, forKey: .rewardWeights) ?? []
        parameters = try c.decodeIfPresent([String: [String: RewardParameterValue]].self, forKey: .parameters) ?? [:]
        timeouts = try c.decodeIfPresent([String: Double].self, forKey: .timeouts) ?? [:]
    }
}

/// Maps reward names to factories.
///
/// Built-in names: `accuracy`, `format`, `format_soft`, `tag_count`, `language`, `cosine`, `overlong`,
/// `repetition`, `code`, `countdown`, `external`. Parameters use open-r1/TRL spellings (`max_len`,
/// `min_value_wrong`, `max_completion_len`, `soft_punish_cache`, `ngram_size`, `max_penalty`).
///
/// ```swift
/// let registry = RewardRegistry.builtIn(environment: .standard())
/// let combined = try registry.makeCombined(RewardSelection(rewards: ["accuracy", "format"], rewardWeights: [1, 0.2]))
/// ```
public struct RewardRegistry: Sendable {
    /// A factory: reads its parameters and builds the reward.
    public typealias Factory = @Sendable (inout RewardParameterReader, RewardEnvironment) throws -> any RewardFunction

    struct Entry: Sendable {
        var parameters: [String]
        var summary: String
        var factory: Factory
    }

    /// Services handed to factories.
    public let environment: RewardEnvironment
    private var entries: [String: Entry] = [:]

    /// Creates an empty registry.
    /// - Parameter environment: services handed to factories.
    public init(environment: RewardEnvironment) { self.environment = environment }

    /// Registered names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// One line per reward: name, parameters, summary (for `r1 reward --list`).
    public var catalogue: [String] {
        names.map { n in
            let e = entries[n]!
            return "\(n)(\(e.parameters.joined(separator: ", "))) — \(e.summary)"
        }
    }

    /// Adds or replaces a reward.
    /// - Parameters:
    ///   - name: registry name.
    ///   - parameters: accepted parameter names (others are rejected).
    ///   - summary: one-line description.
    ///   - factory: builds the reward.
    public mutating func register(_ name: String, parameters: [String] = [], summary: String, factory: @escaping Factory) {
        entries[name] = Entry(parameters: parameters, summary: summary, factory: factory)
    }

    /// Builds one reward.
    /// - Parameters:
    ///   - name: registry name.
    ///   - parameters: its parameters.
    /// - Returns: the reward.
    /// - Throws: `RewardsError.unknownReward`, `.unknownParameter`, `.invalidParameter`.
    public func make(_ name: String, parameters: [String: RewardParameterValue] = [:]) throws -> any RewardFunction {
        guard let e = entries[name] else { throw RewardsError.unknownReward(name: name, available: names) }
        var reader = RewardParameterReader(reward: name, values: parameters, allowed: e.parameters)
        try reader.finish()
        return try e.factory(&reader, environment)
    }

    /// Builds a weighted combination from a recipe selection.
    /// - Parameter selection: names, weights, parameters, timeouts.
    /// - Returns: the combined reward.
    /// - Throws: `RewardsError` for unknown names, bad parameters, weight-count mismatch, parameters or
    ///   timeouts given for a reward that is not selected.
    public func makeCombined(_ selection: RewardSelection) throws -> CombinedReward {
        guard selection.rewardWeights.isEmpty || selection.rewardWeights.count == selection.rewards.count else {
            throw RewardsError.weightCountMismatch(rewards: selection.rewards.count, weights: selection.rewardWeights.count)
        }
        for key in selection.parameters.keys.sorted() where !selection.rewards.contains(key) {
            throw RewardsError.invalidParameter(reward: key, parameter: "reward_parameters", value: key, expected: "parameters only for selected rewards (\(selection.rewards.joined(separator: ", ")))")
        }
        for key in selection.timeouts.keys.sorted() where !selection.rewards.contains(key) {
            throw RewardsError.invalidParameter(reward: key, parameter: "reward_timeouts", value: key, expected: "timeouts only for selected rewards (\(selection.rewards.joined(separator: ", ")))")
        }
        var parts: [WeightedReward] = []
        for (i, name) in selection.rewards.enumerated() {
            let reward = try make(name, parameters: selection.parameters[name] ?? [:])
            let weight = selection.rewardWeights.isEmpty ? 1.0 : selection.rewardWeights[i]
            parts.append(WeightedReward(reward, weight: weight, timeout: selection.timeouts[name]))
        }
        return try CombinedReward(parts)
    }
}
