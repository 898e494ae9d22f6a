// What the adapter path of the training forward keeps for the backward: h = A·dropout(x) [N, r] per
// wrapped projection and layer, plus scratch. Dropout masks are not stored: they are a counter-based hash
// of (seed, layer, projection, element) and are regenerated in the backward.
import TensorEngine

/// Adapter activations of one training forward over N = B·T rows.
final class LoRAActivations {
    let rows: Int, keep: Bool, rank: Int
    let workspace = Workspace()
    /// [layer (1 when !keep)][LoRATarget.index] h = A·u [N, r], nil for unwrapped projections.
    let hidden: [[UnsafeMutablePointer<Float>?]]
    /// [N, max in] dropped-out input (forward) / regenerated input and du (backward).
    let input, dinput: UnsafeMutablePointer<Float>
    /// [N, max out] B·h (forward) / s·dy (backward).
    let output: UnsafeMutablePointer<Float>
    /// [N, r] dh.
    let dhidden: UnsafeMutablePointer<Float>
    /// Whether the last forward ran the adapter, with dropout, and from which mask seed.
    var active = false, dropout = false
    var maskSeed: UInt64 = 0
    /// Identity of the adapter the buffers were sized for.
    let adapter: ObjectIdentifier

    init(adapter: LoRAAdapter, rows n: Int, keep: Bool) {
        let cfg = adapter.modelConfiguration, r = adapter.configuration.rank
        self.rows = n
        self.keep = keep
        self.rank = r
        self.adapter = ObjectIdentifier(adapter)
        let ws = workspace
        hidden = (0..<(keep ? cfg.layerCount : 1)).map { _ in
            LoRATarget.allCases.map { adapter.targets.contains($0) ? ws.floats(n * r) : nil }
        }
        let widths = adapter.targets.map { $0.features(cfg) }
        let maxIn = widths.map(\.inFeatures).max() ?? 1, maxOut = widths.map(\.outFeatures).max() ?? 1
        input = ws.floats(n * maxIn)
        dinput = ws.floats(n * maxIn)
        output = ws.floats(n * maxOut)
        dhidden = ws.floats(n * r)
    }

    func hidden(layer: Int, target: LoRATarget) -> UnsafeMutablePointer<Float> { hidden[keep ? layer : 0][target.index]! }
}

/// Dropout multipliers for element i of one projection's input: 0 with probability p, else 1/(1 − p).
/// Counter-based (SplitMix64 finaliser of seed + i), so the backward regenerates the forward's mask.
@inline(__always) func loraDropoutMultiplier(seed: UInt64, index: Int, probability: Float, keepScale: Float) -> Float {
    var z = seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    let u = Float(z >> 40) / Float(1 << 24)
    return u < probability ? 0 : keepScale
}

/// Seed of the dropout mask of one projection in one layer for a forward with mask seed `base`.
@inline(__always) func loraMaskSeed(_ base: UInt64, layer: Int, target: LoRATarget) -> UInt64 {
    var z = base ^ (UInt64(layer) &* 0xD1B5_4A32_D192_ED03) ^ (UInt64(target.index + 1) &* 0xAEF1_7502_108E_F2D9)
    z = (z ^ (z >> 32)) &* 0xE7037ED1A0B428DB
    return z ^ (z >> 29)
}
