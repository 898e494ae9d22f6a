// A Llama-family decoder (llama, mistral, qwen2, smollm) over one flat ParameterBuffer.
// Training forward/backward: LlamaModel+Training.swift; KV-cached inference: LlamaModel+Inference.swift;
// weight loading: LlamaModel+GGUF.swift and LlamaModel+Safetensors.swift.
import TensorEngine

/// A Llama-family language model whose weights live in one `ParameterBuffer` (HF tensor names).
///
/// A class: it owns weights, gradients and scratch memory. Calls must not overlap (one thread at a time);
/// the kernels themselves use `Parallel.threadCount` workers.
public final class LlamaModel: @unchecked Sendable {
    /// The validated configuration.
    public let configuration: LlamaConfiguration
    /// All weights, named by Hugging Face tensor names (see `LlamaConfiguration.parameterLayout`).
    public let parameters: ParameterBuffer
    let offsets: LlamaOffsets
    let rope: RoPETable
    private var gradientStorage: ParameterBuffer?
    /// Activations of the last training forward with `keepActivations: true` (what `backward` consumes).
    var training: TrainingState?
    /// Buffers of forwards without kept activations (scoring, reference log-probs, `logits`), held apart so
    /// such a forward neither invalidates nor reallocates the kept training activations.
    var scoring: TrainingState?
    /// Scratch of `backward` (gradients of the activations), reused by the next backward until
    /// `releaseWorkingMemory()`.
    var backwardWorkspace = Workspace()
    /// Largest LM-head logits [M, V] (in floats) that `tokenLogProbs(_:keepActivations: true)` keeps for the
    /// backward (default 128 Mi floats = 512 MiB); above it the backward recomputes the logits chunk by chunk
    /// (one extra LM-head GEMM) instead of holding M·V floats.
    public var keptLogitsBudget = 128 * 1024 * 1024
    var decodeScratch: DecodeScratch?
    /// Weights packed for decoding between `prepareDecodePanels()` and `releaseDecodePanels()`.
    var decodePanels: DecodePanels?
    /// Let `prepareDecodePanels()` pack into the gradient buffer instead of new memory (default false). For
    /// trainers, whose gradients are dead while they sample.
    public var decodePanelsBorrowGradientMemory = false
    /// Keep the packed decode weights after a generation call for the next one (default false): each call then
    /// skips one pass over the weights (≈ 0.3 s for SmolLM2-135M at f32), at the cost of holding the packed
    /// copy between calls. For models whose weights do not change — servers, evaluation, benchmarks. Code that
    /// changes the weights must call `releaseDecodePanels()` (loading weights, `randomize` and merging or restoring
    /// a LoRA adapter do so).
    /// Panels in borrowed gradient memory are never kept.
    public var keepsDecodePanels = false
    /// Precision of the packed copy a generation call decodes on (default f32: samples come from exactly this
    /// model). bf16 halves the bytes each decode step streams; see `DecodeWeightPrecision`.
    public var decodeWeightPrecision = DecodeWeightPrecision.f32
    /// The attached LoRA adapter (see LoRA/LlamaModel+LoRA.swift).
    var loraAdapter: LoRAAdapter?
    /// Adapter activations of the last training forward with kept activations.
    var loraActivations: LoRAActivations?
    /// Adapter buffers of forwards without kept activations.
    var loraScoring: LoRAActivations?
    /// W0 of the wrapped weights while the adapter is merged for inference.
    var loraMergeBackup: [Float] = []
    /// Whether the wrapped weights currently hold W0 + s·B·A (`mergeAdapterForInference()`).
    public internal(set) var isAdapterMergedForInference = false
    /// Whether the training forward runs the attached adapter (default true). Off, the model computes the
    /// frozen base — the reference policy of a LoRA run (see `tokenLogProbsWithoutAdapter`).
    public var isAdapterEnabled = true

    /// Creates a model with all weights zero (load or randomise them next).
    /// - Parameter configuration: the model's hyper-parameters.
    /// - Throws: `ModelError` if the configuration is invalid.
    public init(configuration: LlamaConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        parameters = ParameterBuffer(layout: configuration.parameterLayout)
        offsets = configuration.offsets(in: parameters.layout)
        rope = RoPETable(headDim: configuration.headDim, theta: configuration.ropeTheta,
                         maxPositions: configuration.maxPositionEmbeddings)
    }

    /// Gradient buffer with the same layout as `parameters` (allocated on first use, zero-filled).
    /// With an adapter attached the base weights are frozen: the backward never writes here; use
    /// `trainableGradients`.
    public var gradients: ParameterBuffer {
        if let gradientStorage { return gradientStorage }
        let buffer = ParameterBuffer(layout: parameters.layout)
        gradientStorage = buffer
        return buffer
    }

    /// The gradient buffer if it has been allocated.
    var gradientStorageIfAllocated: ParameterBuffer? { gradientStorage }

    /// Frees the working buffers kept between calls — the activations of the last training forward (so a
    /// `backward` must not follow), the scoring and backward buffers (which later passes would otherwise reuse)
    /// and the decode scratch; weights and gradients stay.
    /// Later calls allocate what they need again. A trainer calls this after its update, so the buffers of one
    /// phase (training) are not resident during the next (sampling).
    public func releaseWorkingMemory() {
        training = nil
        scoring = nil
        backwardWorkspace = Workspace()
        decodeScratch = nil
        decodePanels = nil
        loraActivations = nil
        loraScoring = nil
    }

    /// Sets every trainable gradient to zero (the adapter's when one is attached, else all weights').
    public func zeroGradients() { trainableGradients.zero() }

    /// Fills the weights with seeded random values: matrices ~ U(−scale, scale), biases ~ U(−scale, scale),
    /// norm weights 1 + U(−0.1, 0.1). For tests and experiments from scratch.
    /// - Parameters: seed: generator seed. scale: half-width of the uniform distribution.
    public func randomize(seed: UInt64, scale: Float = 0.02) {
        releaseDecodePanels()
        var generator = SplitMix64(seed: seed)
        for entry in parameters.layout.entries {
            let view = parameters[entry.name]
            let isNorm = entry.name.hasSuffix("norm.weight")
            for i in 0..<view.count {
                let u = Float(generator.next() >> 40) / Float(1 << 24) * 2 - 1
                view[i] = isNorm ? 1 + 0.1 * u : scale * u
            }
        }
    }

    /// The weights by Hugging Face name and shape, e.g. for writing a safetensors file.
    /// - Returns: (name, shape, values) in storage order; `lm_head.weight` is absent when tied.
    public func exportParameters() -> [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] {
        parameters.layout.entries.map { entry in
            (entry.name, entry.shape, UnsafeBufferPointer(parameters[entry.name]))
        }
    }

    /// Pointer to the parameter at `offset`.
    @inline(__always) func weight(_ offset: Int) -> UnsafeMutablePointer<Float> { parameters.pointer + offset }
}

/// SplitMix64, the seeded generator behind `randomize(seed:)`.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
