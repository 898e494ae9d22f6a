// A batch of token sequences for the training forward: [B, T] tokens with right padding and masks, and
// optionally packed rows (one shared prefix followed by several continuations that do not see each other).

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
    /// [B·T]: the first position of each token's own segment (0 in unpacked rows). A token sees the keys of
    /// its own segment up to itself and the row's shared prefix.
    public private(set) var segmentStarts: [Int32]
    /// [B]: length of each row's shared prefix (0 in unpacked rows), seen by every token of the row.
    public private(set) var sharedPrefixLengths: [Int32]

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
        segmentStarts = [Int32](repeating: 0, count: tokens.count)
        sharedPrefixLengths = [Int32](repeating: 0, count: batch)
    }

    /// Packs each group into one row — its prefix, then its continuations one after another — right-padded
    /// to the longest row, targeting every continuation token. Each continuation attends to the prefix and
    /// to itself only, and its positions continue from the prefix, so its log-probabilities equal those of
    /// `prefix + continuation` as a row of its own while the prefix runs once.
    ///
    /// - Parameters:
    ///   - groups: per row, a non-empty prefix and its continuations (each non-empty).
    ///   - padToken: id written into padding (never attended).
    public init(packing groups: [(prefix: [Int32], continuations: [[Int32]])], padToken: Int32 = 0) {
        let rows = groups.map { group in group.prefix.count + group.continuations.reduce(0) { $0 + $1.count } }
        let length = rows.max() ?? 0
        var tokens = [Int32](repeating: padToken, count: groups.count * length)
        var attention = [Float](repeating: 0, count: tokens.count), target = attention
        var starts = [Int32](repeating: 0, count: tokens.count)
        for (b, group) in groups.enumerated() {
            precondition(!group.prefix.isEmpty, "TokenBatch(packing:): row \(b) has an empty prefix")
            var t = b * length
            for token in group.prefix { tokens[t] = token; attention[t] = 1; t += 1 }
            for continuation in group.continuations {
                precondition(!continuation.isEmpty, "TokenBatch(packing:): row \(b) has an empty continuation")
                let start = Int32(t - b * length)
                for token in continuation { tokens[t] = token; attention[t] = 1; target[t] = 1; starts[t] = start; t += 1 }
            }
        }
        self.init(tokens: tokens, batch: groups.count, length: length, attentionMask: attention, targetMask: target)
        segmentStarts = starts
        sharedPrefixLengths = groups.map { Int32($0.prefix.count) }
    }

    /// Whether any row is packed.
    public var isPacked: Bool { sharedPrefixLengths.contains { $0 > 0 } }

    /// The position whose hidden state predicts the token at position `t` of row `b`: `t − 1`, except for
    /// the first token of a packed continuation, which the prefix's last token predicts.
    public func predictingPosition(row b: Int, position t: Int) -> Int {
        let prefix = Int(sharedPrefixLengths[b])
        if prefix > 0, t > prefix, Int(segmentStarts[b * length + t]) == t { return prefix - 1 }
        return t - 1
    }

    /// The rotary position of each token [B·T]: the count of real tokens before it in its row, or for a
    /// packed continuation token, the prefix length plus its offset in the continuation.
    public func rotaryPositions() -> [Int32] {
        var positions = [Int32](repeating: 0, count: tokens.count)
        for b in 0..<batch {
            let prefix = Int(sharedPrefixLengths[b])
            var position: Int32 = 0
            for t in 0..<length {
                let start = Int(segmentStarts[b * length + t])
                if prefix > 0, t >= prefix {
                    positions[b * length + t] = Int32(prefix + t - start)
                } else {
                    positions[b * length + t] = position
                    if attentionMask[b * length + t] != 0 { position += 1 }
                }
            }
        }
        return positions
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
