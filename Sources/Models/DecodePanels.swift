// DecodePanels: the model's matrices packed into 16-wide panels (TensorEngine/Kernels/PanelMatmul.swift) for
// the decode steps of one generation call. `prepareDecodePanels()` packs them (one pass over the weights),
// `releaseDecodePanels()` drops them; the weights must not change in between, which is why the generator
// brackets its decode loop with the two (DecodingModel.beginDecoding/endDecoding) rather than keeping them.
import TensorEngine

/// Packed copies of every matrix the decode step multiplies by.
final class DecodePanels {
    /// Packed q, k, v, o, gate, up and down of one layer.
    struct Layer {
        let q, k, v, o, gate, up, down: UnsafePointer<Float>
    }

    let layers: [Layer]
    let head: UnsafePointer<Float>
    /// Set when the panels own their memory (nil when they borrowed the gradient buffer).
    private let storage: UnsafeMutablePointer<Float>?

    /// Floats the packed matrices of `configuration` take.
    static func storageCount(_ cfg: LlamaConfiguration) -> Int {
        let c = cfg.hiddenSize, i = cfg.intermediateSize
        let layer = panelStorageCount(outFeatures: cfg.queryDim, inFeatures: c)
            + 2 * panelStorageCount(outFeatures: cfg.kvDim, inFeatures: c)
            + panelStorageCount(outFeatures: c, inFeatures: cfg.queryDim)
            + 2 * panelStorageCount(outFeatures: i, inFeatures: c) + panelStorageCount(outFeatures: c, inFeatures: i)
        return cfg.layerCount * layer + panelStorageCount(outFeatures: cfg.vocabularySize, inFeatures: c)
    }

    /// Packs the matrices of `model` into `memory` (at least `storageCount` floats), or into memory of its
    /// own when `memory` is nil.
    init(_ model: LlamaModel, memory: UnsafeMutablePointer<Float>?) {
        let cfg = model.configuration, c = cfg.hiddenSize, i = cfg.intermediateSize
        let base: UnsafeMutablePointer<Float>
        if let memory {
            base = memory
            storage = nil
        } else {
            base = .allocate(capacity: Self.storageCount(cfg))
            storage = base
        }
        var cursor = base
        func pack(_ offset: Int, _ n: Int, _ k: Int) -> UnsafePointer<Float> {
            let destination = cursor
            packWeightPanels(destination, model.weight(offset), outFeatures: n, inFeatures: k)
            cursor += panelStorageCount(outFeatures: n, inFeatures: k)
            return UnsafePointer(destination)
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
    /// Packs the weights for fast batched decoding (up to `panelRowLimit` sequences per step); `decodeStep`
    /// uses them until `releaseDecodePanels()`. The weights must not change meanwhile. With
    /// `decodePanelsBorrowGradientMemory` set and a large enough gradient buffer, the panels live there
    /// (the gradients are overwritten; a trainer zeroes them before its next accumulation anyway).
    public func prepareDecodePanels() {
        let needed = DecodePanels.storageCount(configuration)
        let borrowed = decodePanelsBorrowGradientMemory && loraAdapter == nil
            ? gradientStorageIfAllocated.flatMap { $0.count >= needed ? $0.pointer : nil } : nil
        decodePanels = DecodePanels(self, memory: borrowed)
    }

    /// Drops the packed weights (see `prepareDecodePanels()`).
    public func releaseDecodePanels() { decodePanels = nil }

    /// Whether `decodeStep` currently uses packed weights.
    public var hasDecodePanels: Bool { decodePanels != nil }
}
