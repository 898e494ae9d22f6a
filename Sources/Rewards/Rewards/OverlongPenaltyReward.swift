// OverlongPenaltyReward.swift — DAPO soft overlong punishment (arXiv 2503.14476, eq. 13);
// same semantics as TRL `get_soft_overlong_punishment(max_completion_len, soft_punish_cache)`.

/// DAPO soft overlong punishment.
///
/// With L = completion length, L_max = `maxLength`, L_c = `cacheLength`:
/// 0 if L ≤ L_max − L_c; ((L_max − L_c) − L) / L_c if L_max − L_c < L ≤ L_max; −1 if L > L_max;
/// then multiplied by `penaltyFactor` (verl's `overlong_buffer.penalty_factor`, default 1).
/// DAPO used L_max = 20,480 and L_c = 4,096 tokens.
public struct OverlongPenaltyReward: RewardFunction {
    /// Parameters.
    public struct Configuration: Sendable, Equatable, Codable {
        /// L_max: the maximum completion length (TRL `max_completion_len`).
        public var maxLength: Int
        /// L_c: the soft-punishment buffer (TRL `soft_punish_cache`).
        public var cacheLength: Int
        /// Scale of the penalty (default 1).
        public var penaltyFactor: Double = 1
        /// Length unit (default `.tokens`).
        public var lengthUnit: LengthUnit = .tokens

        /// Creates a configuration.
        /// - Parameters:
        ///   - maxLength: L_max > 0.
        ///   - cacheLength: 0 < L_c ≤ L_max.
        public init(maxLength: Int, cacheLength: Int) {
            self.maxLength = maxLength
            self.cacheLength = cacheLength
        }

        /// Checks the values.
        /// - Throws: `RewardsError.invalidParameter`.
        public func validate() throws {
            guard maxLength > 0 else {
                throw RewardsError.invalidParameter(reward: "overlong", parameter: "max_completion_len", value: "\(maxLength)", expected: "a positive length")
            }
            guard cacheLength > 0 && cacheLength <= maxLength else {
                throw RewardsError.invalidParameter(reward: "overlong", parameter: "soft_punish_cache", value: "\(cacheLength)", expected: "0 < soft_punish_cache ≤ max_completion_len (\(maxLength))")
            }
            guard penaltyFactor.isFinite && penaltyFactor >= 0 else {
                throw RewardsError.invalidParameter(reward: "overlong", parameter: "penalty_factor", value: "\(penaltyFactor)", expected: "a finite number ≥ 0")
            }
        }
    }

    public let name: String
    /// The configuration.
    public let configuration: Configuration

    /// Creates the reward.
    /// - Parameters:
    ///   - configuration: values; validated.
    ///   - name: report name (default "overlong").
    /// - Throws: `RewardsError.invalidParameter`.
    public init(_ configuration: Configuration, name: String = "overlong") throws {
        try configuration.validate()
        self.configuration = configuration
        self.name = name
    }

    /// The penalty for a length.
    /// - Parameter length: completion length.
    /// - Returns: a value in [−penaltyFactor, 0].
    public func value(length: Int) -> Double {
        let c = configuration
        let threshold = c.maxLength - c.cacheLength
        let raw: Double
        if length <= threshold {
            raw = 0
        } else if length <= c.maxLength {
            raw = Double(threshold - length) / Double(c.cacheLength)
        } else {
            raw = -1
        }
        return raw * c.penaltyFactor
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        value(length: try configuration.lengthUnit.length(of: completion, reward: name))
    }
}
