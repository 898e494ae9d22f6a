// A LoRA adapter for a Llama-family model: for every wrapped projection W0 [out, in] of every layer, a
// down-projection A [r, in] and an up-projection B [out, r], packed into one ParameterBuffer under PEFT's
// saved tensor names, so optimizer, clipping and checkpoints treat it like any parameter set.
// Initialisation as PEFT's default: A ~ Kaiming-uniform(a = √5) = U(−1/√in, 1/√in), B = 0 (a no-op).
import TensorEngine

/// Where one wrapped projection's A and B live in the adapter buffer.
struct LoRASlot: Sendable {
    let a: Int, b: Int
    let inFeatures: Int, outFeatures: Int
}

/// Trainable low-rank updates W = W0 + s·B·A for some projections of every decoder layer.
///
/// A class: it owns its weights and gradients. Attach it with `LlamaModel.attachAdapter(_:)`.
public final class LoRAAdapter: @unchecked Sendable {
    /// The LoRA settings.
    public let configuration: LoRAConfiguration
    /// The configuration of the base model the adapter fits.
    public let modelConfiguration: LlamaConfiguration
    /// The wrapped projections, in storage order.
    public let targets: [LoRATarget]
    /// A and B of every wrapped projection, under PEFT names (`adapterTensorName`).
    public let parameters: ParameterBuffer
    /// Gradients with the layout of `parameters`.
    public let gradients: ParameterBuffer
    /// s = α/r (α/√r with rsLoRA).
    public let scale: Float
    /// Seed of the dropout masks.
    public let seed: UInt64
    /// Counter mixed into the dropout seed; a training forward with dropout uses it and then increments it.
    /// Set it explicitly (e.g. from the step and micro-batch) to make dropout masks reproducible on resume.
    public var dropoutStep: UInt64 = 0
    /// [layer][LoRATarget.index] slot, nil when the projection is not wrapped.
    let slots: [[LoRASlot?]]

    /// Creates an adapter with PEFT's initialisation: A ~ U(−1/√in, 1/√in) (seeded), B = 0.
    /// - Parameters:
    ///   - modelConfiguration: the base model's configuration.
    ///   - configuration: LoRA settings (validated here).
    ///   - seed: seed of A's initialisation and of the dropout masks.
    /// - Throws: `LoRAError.invalidConfiguration`.
    public init(modelConfiguration: LlamaConfiguration, configuration: LoRAConfiguration, seed: UInt64 = 0) throws {
        try configuration.validate()
        self.configuration = configuration
        self.modelConfiguration = modelConfiguration
        self.seed = seed
        targets = try configuration.resolvedTargets()
        scale = configuration.scale
        var layout = ParameterLayout()
        let r = configuration.rank
        for l in 0..<modelConfiguration.layerCount {
            for target in targets {
                let (inF, outF) = target.features(modelConfiguration)
                layout.append(Self.tensorName(layer: l, target: target, matrix: .a), shape: [r, inF])
                layout.append(Self.tensorName(layer: l, target: target, matrix: .b), shape: [outF, r])
            }
        }
        parameters = ParameterBuffer(layout: layout)
        gradients = ParameterBuffer(layout: layout)
        var slots: [[LoRASlot?]] = []
        for l in 0..<modelConfiguration.layerCount {
            var row = [LoRASlot?](repeating: nil, count: LoRATarget.allCases.count)
            for target in targets {
                let (inF, outF) = target.features(modelConfiguration)
                row[target.index] = LoRASlot(
                    a: layout.entry(Self.tensorName(layer: l, target: target, matrix: .a))!.offset,
                    b: layout.entry(Self.tensorName(layer: l, target: target, matrix: .b))!.offset,
                    inFeatures: inF, outFeatures: outF)
            }
            slots.append(row)
        }
        self.slots = slots
        resetParameters(seed: seed)
    }

    /// Which factor of a low-rank update.
    public enum Matrix: String, Sendable {
        /// lora_A [r, in].
        case a = "lora_A"
        /// lora_B [out, r].
        case b = "lora_B"
    }

    /// PEFT's saved tensor name, e.g. `base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight`
    /// (PeftModel → LoraModel → LlamaForCausalLM → LlamaModel; the adapter name `default` is dropped on save).
    /// - Parameters: layer: decoder layer. target: projection. matrix: A or B.
    /// - Returns: the tensor name.
    public static func tensorName(layer: Int, target: LoRATarget, matrix: Matrix) -> String {
        "base_model.model.model.layers.\(layer).\(target.modulePath).\(matrix.rawValue).weight"
    }

    /// Re-initialises: A ~ U(−1/√in, 1/√in) from `seed`, B = 0; gradients zero.
    /// - Parameter seed: generator seed.
    public func resetParameters(seed: UInt64) {
        var generator = SplitMix64(seed: seed ^ 0x4C6F_5241)
        parameters.zero()
        gradients.zero()
        for layer in slots {
            for case let slot? in layer {
                let bound = 1 / Float(slot.inFeatures).squareRoot()
                let a = parameters.pointer + slot.a
                for i in 0..<(configuration.rank * slot.inFeatures) {
                    let u = Float(generator.next() >> 40) / Float(1 << 24) * 2 - 1
                    a[i] = bound * u
                }
            }
        }
    }

    /// Sets every gradient to zero.
    public func zeroGradients() { gradients.zero() }

    /// The adapter tensors by PEFT name and shape (e.g. for a checkpoint or adapter_model.safetensors).
    /// - Returns: (name, shape, values) in storage order.
    public func exportParameters() -> [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] {
        parameters.layout.entries.map { ($0.name, $0.shape, UnsafeBufferPointer(parameters[$0.name])) }
    }

    /// Overwrites A and B from named tensors (PEFT names, with or without the `.default` adapter name).
    /// - Parameters:
    ///   - tensors: (name, shape, values); every adapter tensor must be present exactly once.
    ///   - source: where they came from, for messages.
    /// - Throws: `LoRAError.missingTensor`, `.shapeMismatch`, `.unexpectedTensor`.
    public func loadParameters(_ tensors: [(name: String, shape: [Int], values: [Float])], source: String) throws {
        var seen = Set<String>()
        for tensor in tensors {
            let name = tensor.name.replacingOccurrences(of: ".default.weight", with: ".weight")
            guard let entry = parameters.layout.entry(name) else {
                throw LoRAError.unexpectedTensor(name: tensor.name, source: source)
            }
            guard entry.shape == tensor.shape, tensor.values.count == entry.count else {
                throw LoRAError.shapeMismatch(name: tensor.name, expected: entry.shape, actual: tensor.shape, source: source)
            }
            _ = tensor.values.withUnsafeBufferPointer { parameters[name].update(fromContentsOf: $0) }
            seen.insert(name)
        }
        if let missing = parameters.layout.entries.first(where: { !seen.contains($0.name) }) {
            throw LoRAError.missingTensor(name: missing.name, source: source)
        }
    }

    /// The slot of a projection, or nil when it is not wrapped.
    @inline(__always) func slot(layer: Int, target: LoRATarget) -> LoRASlot? { slots[layer][target.index] }

    /// ΔW = s·B·A for one wrapped projection, as [out, in] row-major floats (nil when not wrapped).
    /// - Parameters: layer: decoder layer. target: projection.
    /// - Returns: the dense update.
    public func deltaWeight(layer: Int, target: LoRATarget) -> [Float]? {
        guard let slot = slot(layer: layer, target: target) else { return nil }
        var delta = [Float](repeating: 0, count: slot.outFeatures * slot.inFeatures)
        delta.withUnsafeMutableBufferPointer { addDelta(into: $0.baseAddress!, slot: slot, sign: 1) }
        return delta
    }

    /// W += sign·s·B·A for `slot` (W [out, in] at `weight`).
    func addDelta(into weight: UnsafeMutablePointer<Float>, slot: LoRASlot, sign: Float) {
        let r = configuration.rank, inF = slot.inFeatures, outF = slot.outFeatures
        let a = parameters.pointer + slot.a, b = parameters.pointer + slot.b
        // (B·A)[o, i] = Σ_k B[o, k]·Aᵀ[i, k]: a GEMM of B [out, r] with Aᵀ [in, r] as the "weight".
        let transposed = UnsafeMutablePointer<Float>.allocate(capacity: inF * r)
        let product = UnsafeMutablePointer<Float>.allocate(capacity: outF * inF)
        defer { transposed.deallocate(); product.deallocate() }
        for k in 0..<r { for i in 0..<inF { transposed[i * r + k] = a[k * inF + i] } }
        matmulForward(product, b, transposed, nil, rows: outF, inFeatures: r, outFeatures: inF)
        let factor = sign * scale
        for j in 0..<(outF * inF) { weight[j] += factor * product[j] }
    }
}
