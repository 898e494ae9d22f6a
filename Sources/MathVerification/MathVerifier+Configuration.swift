// MathVerifier.Configuration: validated settings of the verifier (extraction rules, tolerance, budgets).

extension MathVerifier {
    /// Settings for `MathVerifier`. Defaults match the agreement tests against math-verify 0.9.0.
    ///
    /// ```swift
    /// var c = MathVerifier.Configuration()
    /// c.timeLimitSeconds = 0.05
    /// try c.validate()
    /// ```
    public struct Configuration: Codable, Sendable, Equatable {
        /// Extraction rules for gold strings, tried in order.
        public var goldRules: [ExtractionRule]
        /// Extraction rules for predictions (completions), tried in order.
        public var predictionRules: [ExtractionRule]
        /// Relative tolerance for numeric sampling: |a − b| ≤ tol · max(1, |a|, |b|).
        public var relativeTolerance: Double
        /// Number of random points at which expressions with free symbols are evaluated.
        public var samplePoints: Int
        /// Seed of the sampling generator (deterministic verdicts).
        public var seed: UInt64
        /// Maximum operations per verification (parser tokens, arithmetic steps, evaluations).
        public var operationLimit: Int
        /// Wall-clock limit per verification, in seconds.
        public var timeLimitSeconds: Double
        /// Decimal places at which a written decimal may round to the other answer (0.333333 = 1/3, math-verify's
        /// `float_rounding=6`); applies only when an answer is written with at least this many decimals. nil disables.
        public var decimalRoundingPlaces: Int?
        /// Longest extracted answer (in UTF-8 bytes) that is parsed; longer answers are rejected as over budget.
        public var maxAnswerLength: Int
        /// Whether "50\%" also matches "0.5" (math-verify accepts both "50" and "0.5").
        public var percentMatchesFraction: Bool

        /// Creates a configuration; every parameter has the documented default.
        public init(goldRules: [ExtractionRule] = AnswerExtractor.gold.rules,
                    predictionRules: [ExtractionRule] = AnswerExtractor.completion.rules,
                    relativeTolerance: Double = 1e-8, samplePoints: Int = 5, seed: UInt64 = 0x5EED_1234,
                    operationLimit: Int = 200_000, timeLimitSeconds: Double = 0.5, percentMatchesFraction: Bool = true,
                    decimalRoundingPlaces: Int? = 6, maxAnswerLength: Int = 4_000) {
            self.goldRules = goldRules
            self.predictionRules = predictionRules
            self.relativeTolerance = relativeTolerance
            self.samplePoints = samplePoints
            self.seed = seed
            self.operationLimit = operationLimit
            self.timeLimitSeconds = timeLimitSeconds
            self.percentMatchesFraction = percentMatchesFraction
            self.decimalRoundingPlaces = decimalRoundingPlaces
            self.maxAnswerLength = maxAnswerLength
        }

        /// Checks every field.
        /// - Throws: `MathVerificationError.invalidConfiguration` naming the field, value and rule.
        public func validate() throws(MathVerificationError) {
            if goldRules.isEmpty { throw .invalidConfiguration(field: "goldRules", value: "[]", rule: "needs at least one extraction rule") }
            if predictionRules.isEmpty { throw .invalidConfiguration(field: "predictionRules", value: "[]", rule: "needs at least one extraction rule") }
            if !(relativeTolerance > 0 && relativeTolerance < 0.1) {
                throw .invalidConfiguration(field: "relativeTolerance", value: "\(relativeTolerance)", rule: "must be in (0, 0.1)")
            }
            if !(1...100).contains(samplePoints) {
                throw .invalidConfiguration(field: "samplePoints", value: "\(samplePoints)", rule: "must be in 1...100")
            }
            if operationLimit < 100 {
                throw .invalidConfiguration(field: "operationLimit", value: "\(operationLimit)", rule: "must be at least 100")
            }
            if maxAnswerLength < 16 {
                throw .invalidConfiguration(field: "maxAnswerLength", value: "\(maxAnswerLength)", rule: "must be at least 16")
            }
            if let places = decimalRoundingPlaces, !(1...30).contains(places) {
                throw .invalidConfiguration(field: "decimalRoundingPlaces", value: "\(places)", rule: "must be in 1...30 or nil")
            }
            if !(timeLimitSeconds > 0 && timeLimitSeconds <= 60) {
                throw .invalidConfiguration(field: "timeLimitSeconds", value: "\(timeLimitSeconds)", rule: "must be in (0, 60]")
            }
        }
    }
}
