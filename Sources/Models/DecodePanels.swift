// DecodePanels: the model's matrices packed into 16-wide panels (TensorEngine/Kernels/PanelMatmul.swift) for
// the decode steps of one generation call. `prepareDecodePanels()` packs them (one pass over the weights),
// `finishDecodePanelUse()` drops them; at bf16 they are the model the call samples from. The weights must not
// change in between, which is why the generator brackets its decode loop with the two
// (DecodingModel.beginDecoding/endDecoding) rather than keeping them — unless `keepsDecodePanels` says the
// weights are fixed, when the next call reuses them.
import TensorEngine

/// Packed copies of every matrix the decode step multiplies by.
final class DecodePanels {
    /// Packed q, k, v, o, gate, up and down of one layer.
    struct Layer {
        let q, k, v, o, gate, up, down: PackedWeight
    }

    let layers: [Layer]
    let head: PackedWeight
    let precision: DecodeWeightPrecision
    /// Set when the panels own their memory (nil when they borrowed the gradient buffer).
    private let storage: UnsafeMutableRawPointer?

    /// Whether the panels live in memory of their own (not in the borrowed gradient buffer).
    var ownsMemory: Bool { storage != nil }

    /// Bytes the packed matrices of `configuration` take at `precision`.
    static func storageBytes(_ cfg: LlamaConfiguration, precision: DecodeWeightPrecision) -> Int {
        let c = cfg.hiddenSize, i = cfg.intermediateSize
        func bytes(_ n: Int, _ k: Int) -> Int { panelStorageBytes(outFeatures: n, inFeatures: k, precision: precision) }
        let layer = bytes(cfg.queryDim, c) + 2 * bytes(cfg.kvDim, c) + bytes(c, cfg.queryDim) + 2 * bytes(i, c) + bytes(c, i)
        return cfg.layerCount * layer + bytes(cfg.vocabularySize, c)
    }

    /// Packs the matrices of `model` at `precision` into `memory` (at least `storageBytes` bytes, 16-byte
    /// aligned), or into memory of its own when `memory` is nil.
    init(_ model: LlamaModel, precision: DecodeWeightPrecision, memory: UnsafeMutableRawPointer?) {
        let cfg = model.configuration, c = cfg.hiddenSize, i = cfg.intermediateSize
        self.precision = precision
        let base: UnsafeMutableRawPointer
        if let memory {
            base = memory
            storage = nil
        } else {
            base = allocateStreamedMemory(byteCount: Self.storageBytes(cfg, precision: precision))
            storage = base
        }
        var cursor = base
        func pack(_ offset: Int, _ n: Int, _ k: Int) -> PackedWeight {
            let packed = packWeightPanels(cursor, model.weight(offset), outFeatures: n, inFeatures: k, precision: precision)
            cursor += panelStorageBytes(outFeatures: n, inFeatures: k, precision: precision)
            return packed
        }
        layers = model.offsets.layers.map { w in
            Layer(q: pack(w.q, cfg.queryDim, c), k: pack(w.k, cfg.kvDim, c), v: pack(w.v, cfg.kvDim, c),
                  o: pack(w.o, c, cfg.queryDim), gate: pack(w.gate, i, c), up: pack(w.up, i, c), down: pack(w.down, c, i))
        }
        head = pack(model.offsets.head, cfg.vocabularySize, c)
    }

    deinit { storage?.deallocate() }
}

extension LlamaModel {
    /// Packs the weights for fast batched decoding at `decodeWeightPrecision`; `prefill` and `decodeStep` use
    /// them (f32: steps of up to `panelRowLimit` sequences; bf16: every product) until `releaseDecodePanels()`.
    /// The weights must not change meanwhile. With `decodePanelsBorrowGradientMemory` set and a large enough
    /// gradient buffer, the panels live there (the gradients are overwritten; a trainer zeroes them before its
    /// next accumulation anyway).
    public func prepareDecodePanels() {
        let precision = decodeWeightPrecision
        if keepsDecodePanels, let kept = decodePanels, kept.ownsMemory, kept.precision == precision { return }
        let needed = DecodePanels.storageBytes(configuration, precision: precision)
        let borrowed = decodePanelsBorrowGradientMemory && loraAdapter == nil
            ? gradientStorageIfAllocated.flatMap { $0.count * MemoryLayout<Float>.stride >= needed ? UnsafeMutableRawPointer($0.pointer) : nil }
            : nil
        decodePanels = DecodePanels(self, precision: precision, memory: borrowed)
    }

    /// Drops the packed weights (see `prepareDecodePanels()`).
    public func releaseDecodePanels() { decodePanels = nil }

    /// Ends a generation call's use of the packed weights: drops them unless `keepsDecodePanels` keeps them
    /// for the next call (and they own their memory).
    public func finishDecodePanelUse() {
        if !keepsDecodePanels || !(decodePanels?.ownsMemory ?? true) { decodePanels = nil }
    }

    /// Whether `decodeStep` currently uses packed weights.
    public var hasDecodePanels: Bool { decodePanels != nil }
}
