// A batch of token sequences for the training forward: [B, T] tokens with right padding and masks.

/// Token ids for the training forward, with an attention mask and a target mask.
///
/// Layout is row-major [B, T]. Sequences are right-padded. `targetMask[b·T + t] = 1` asks for
/// log p(tokens[b, t] | tokens[b, <t]); it must be 0 at t = 0 and at padding.
public struct TokenBatch: Sendable, Equatable {
    /// Token ids [B·T].
    public var tokens: [Int32]
    /// B.
    public var batch: Int
    /// T.
    public var length: Int
    /// [B·T]: 1 = real token, 0 = padding.
    public var attentionMask: [Float]
    /// [B·T]: 1 where the log-probability of this token is wanted (t ≥ 1), else 0.
    public var targetMask: [Float]

    /// Creates a batch from flat arrays.
    /// - Parameters:
    ///   - tokens: [B·T]. - batch: B. - length: T.
    ///   - attentionMask: [B·T] (1 real / 0 pad); nil = all real.
    ///   - targetMask: [B·T]; nil = every real position t ≥ 1.
    public init(tokens: [Int32], batch: Int, length: Int, attentionMask: [Float]? = nil, targetMask: [Float]? = nil) {
        precondition(tokens.count == batch * length, "TokenBatch: \(tokens.count) tokens for B=\(batch), T=\(length)")
        self.tokens = tokens
        self.batch = batch
        self.length = length
        let attention = attentionMask ?? [Float](repeating: 1, count: tokens.count)
        precondition(attention.count == tokens.count, "TokenBatch: attentionMask has \(attention.count) entries, need \(tokens.count)")
        self.attentionMask = attention
        if let targetMask {
            precondition(targetMask.count == tokens.count, "TokenBatch: targetMask has \(targetMask.count) entries, need \(tokens.count)")
            self.targetMask = targetMask
        } else {
            var mask = attention
            for b in 0..<batch { mask[b * length] = 0 }
            self.targetMask = mask
        }
    }

    /// Right-pads sequences to the longest one and targets every token from `targetStarts[b]` on.
    /// - Parameters:
    ///   - sequences: B token sequences (each non-empty).
    ///   - targetStarts: per sequence, the first position whose log-probability is wanted (≥ 1; e.g. the
    ///     prompt length for a completion); nil = 1.
    ///   - padToken: id written into padding (never attended).
    public init(rightPadding sequences: [[Int32]], targetStarts: [Int]? = nil, padToken: Int32 = 0) {
        let length = sequences.map(\.count).max() ?? 0
        var tokens = [Int32](repeating: padToken, count: sequences.count * length)
        var attention = [Float](repeating: 0, count: tokens.count), target = attention
        for (b, sequence) in sequences.enumerated() {
            let start = max(1, targetStarts?[b] ?? 1)
            for (t, token) in sequence.enumerated() {
                tokens[b * length + t] = token
                attention[b * length + t] = 1
                if t >= start { target[b * length + t] = 1 }
            }
        }
        self.init(tokens: tokens, batch: sequences.count, length: length, attentionMask: attention, targetMask: target)
    }
}
