// Activations of the training forward that the backward consumes (llm.c ActivationTensors), sized for
// one [B, T]. With keepActivations = false every layer shares one set of buffers (forward only).
import TensorEngine

/// Saved activations of one decoder layer. N = B·T.
struct LayerActivations {
    let ln1: UnsafeMutablePointer<Float>     // [N, C] input_layernorm output
    let rstd1: UnsafeMutablePointer<Float>   // [N]
    let q: UnsafeMutablePointer<Float>       // [N, H·D] after RoPE
    let k: UnsafeMutablePointer<Float>       // [N, Hkv·D] after RoPE
    let v: UnsafeMutablePointer<Float>       // [N, Hkv·D]
    let att: UnsafeMutablePointer<Float>     // [N, H·D] attention output (o_proj input)
    let mid: UnsafeMutablePointer<Float>     // [N, C] residual after attention
    let ln2: UnsafeMutablePointer<Float>     // [N, C] post_attention_layernorm output
    let rstd2: UnsafeMutablePointer<Float>   // [N]
    let gate: UnsafeMutablePointer<Float>    // [N, I]
    let up: UnsafeMutablePointer<Float>      // [N, I]
}

/// Buffers for one training forward/backward over a [B, T] batch.
final class TrainingState {
    let batch: Int, length: Int, keep: Bool
    let workspace: Workspace
    let tokens: UnsafeMutablePointer<Int32>      // [N]
    let positions: UnsafeMutablePointer<Int32>   // [N] position of each token (count of real tokens before it)
    let keyMask: UnsafeMutablePointer<Float>     // [N]
    let segmentStarts: UnsafeMutablePointer<Int32> // [N] first position of each token's segment (packed rows)
    let sharedPrefix: UnsafeMutablePointer<Int32>  // [B] shared prefix length per row (0: unpacked)
    var isPacked = false
    let residuals: [UnsafeMutablePointer<Float>] // L + 1 buffers [N, C] (1 shared buffer when !keep)
    let layers: [LayerActivations]               // L (1 shared when !keep)
    let projection: UnsafeMutablePointer<Float>  // [N, C] o_proj / down_proj output scratch
    let hidden: UnsafeMutablePointer<Float>      // [N, I] SwiGLU output scratch
    var temperature: Float = 1
    var hasActivations = false
    // LM-head rows of the last forward (positions whose next token is targeted) and the targeted positions.
    var headRows: [Int] = []
    var headPositions: [Int] = []
    var headTargets: [Int32] = []
    var headInput: UnsafeMutablePointer<Float>?  // [M, C] final-norm output at head rows
    var headRstd: UnsafeMutablePointer<Float>?   // [M]
    var headLogSumExp: [Float] = []
    var headLogits: UnsafeMutablePointer<Float>?  // [M, V] when within LlamaModel.keptLogitsBudget, else nil
    var headWorkspace = Workspace()

    /// Buffers for a [batch, length] pass.
    /// - Parameter previous: a state of the same kind (`keep`) whose buffers this one takes over (rewound, so
    ///   they are zeroed and reused where large enough); `previous` must not be used afterwards.
    init(configuration cfg: LlamaConfiguration, batch: Int, length: Int, keep: Bool, reusing previous: TrainingState? = nil) {
        self.batch = batch
        self.length = length
        self.keep = keep
        let n = batch * length, c = cfg.hiddenSize
        let workspace = previous?.workspace ?? Workspace()
        workspace.rewind()
        self.workspace = workspace
        if let previous { headWorkspace = previous.headWorkspace }
        tokens = workspace.ints(n)
        positions = workspace.ints(n)
        keyMask = workspace.floats(n)
        segmentStarts = workspace.ints(n)
        sharedPrefix = workspace.ints(batch)
        residuals = (0..<(keep ? cfg.layerCount + 1 : 1)).map { _ in workspace.floats(n * c) }
        layers = (0..<(keep ? cfg.layerCount : 1)).map { _ in
            LayerActivations(
                ln1: workspace.floats(n * c), rstd1: workspace.floats(n),
                q: workspace.floats(n * cfg.queryDim), k: workspace.floats(n * cfg.kvDim), v: workspace.floats(n * cfg.kvDim),
                att: workspace.floats(n * cfg.queryDim),
                mid: workspace.floats(n * c), ln2: workspace.floats(n * c), rstd2: workspace.floats(n),
                gate: workspace.floats(n * cfg.intermediateSize), up: workspace.floats(n * cfg.intermediateSize))
        }
        projection = workspace.floats(n * c)
        hidden = workspace.floats(n * cfg.intermediateSize)
    }

    func residual(_ index: Int) -> UnsafeMutablePointer<Float> { residuals[keep ? index : 0] }
    func layer(_ index: Int) -> LayerActivations { layers[keep ? index : 0] }
}
