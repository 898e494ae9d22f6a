// Weight loading: GGUF (any dequantizable tensor type) and Hugging Face safetensors + config.json.
//
// llama.cpp's converter permutes the rows of Q and K of arch-`llama` models so that its interleaved RoPE
// (pairs 2i, 2i+1) matches HF's rotate-half RoPE (pairs i, i + D/2): per head, HF row j·D/2 + i is stored
// as GGUF row 2i + j. We undo that on load, so the model always runs the HF convention. Qwen2 GGUFs are
// not permuted (llama.cpp runs NeoX RoPE for them).
import Foundation
import ModelFormats
import TensorEngine

extension LlamaModel {
    /// Loads a model from a GGUF file (configuration from its metadata, weights dequantized to Float).
    /// - Parameter url: path of a `.gguf` file of arch llama, mistral, qwen2 or smollm.
    /// - Returns: the model.
    /// - Throws: `ModelError` (unreadable file, missing key or tensor, shape mismatch, bad configuration).
    public static func load(gguf url: URL) throws -> LlamaModel {
        let file: GGUFFile
        do { file = try GGUFFile(url: url) } catch { throw ModelError.unreadable(source: url.path, reason: error.description) }
        let model = try LlamaModel(configuration: try LlamaConfiguration(gguf: file))
        try model.loadWeights(from: file)
        return model
    }

    /// Loads a model from a Hugging Face directory holding config.json and model.safetensors
    /// (or sharded files listed in model.safetensors.index.json).
    /// - Parameter directory: the model directory.
    /// - Returns: the model.
    /// - Throws: `ModelError`.
    public static func load(huggingFaceDirectory directory: URL) throws -> LlamaModel {
        let configURL = directory.appendingPathComponent("config.json")
        let configuration: LlamaConfiguration
        do {
            configuration = try JSONDecoder().decode(LlamaConfiguration.self, from: Data(contentsOf: configURL))
        } catch {
            throw ModelError.unreadable(source: configURL.path, reason: "\(error)")
        }
        var names = ["model.safetensors"]
        let indexURL = directory.appendingPathComponent("model.safetensors.index.json")
        if FileManager.default.fileExists(atPath: indexURL.path) {
            struct Index: Decodable { let weight_map: [String: String] }
            do {
                names = Set(try JSONDecoder().decode(Index.self, from: Data(contentsOf: indexURL)).weight_map.values).sorted()
            } catch { throw ModelError.unreadable(source: indexURL.path, reason: "\(error)") }
        }
        var files: [SafetensorsFile] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            do { files.append(try SafetensorsFile(url: url)) } catch {
                throw ModelError.unreadable(source: url.path, reason: error.description)
            }
        }
        let model = try LlamaModel(configuration: configuration)
        try model.loadWeights(from: files)
        return model
    }

    /// Overwrites all weights with the tensors of a GGUF file (names mapped by `GGUFTensorNames`).
    /// - Parameter file: an opened GGUF file matching this model's configuration.
    /// - Throws: `ModelError.missingTensor`, `.shapeMismatch` or `.unreadable` (unsupported tensor type).
    public func loadWeights(from file: GGUFFile) throws {
        releaseDecodePanels()
        let source = file.url.lastPathComponent
        let permuted = (try? file.string(GGUFMetadataKey.architecture)) == "llama"
        for entry in parameters.layout.entries {
            let name = GGUFTensorNames.gguf(fromHuggingFace: entry.name)!
            guard let info = try? file.tensorInfo(named: name) else { throw ModelError.missingTensor(name: name, source: source) }
            guard info.numpyShape == entry.shape else {
                throw ModelError.shapeMismatch(name: name, expected: entry.shape, actual: info.numpyShape, source: source)
            }
            let destination = parameters[entry.name]
            do { try file.dequantize(name, into: destination) } catch {
                throw ModelError.unreadable(source: source, reason: error.description)
            }
            if permuted {
                if entry.name.hasSuffix("self_attn.q_proj.weight") || entry.name.hasSuffix("self_attn.q_proj.bias") {
                    Self.unpermuteRotaryRows(destination, heads: configuration.headCount, headDim: configuration.headDim)
                } else if entry.name.hasSuffix("self_attn.k_proj.weight") || entry.name.hasSuffix("self_attn.k_proj.bias") {
                    Self.unpermuteRotaryRows(destination, heads: configuration.kvHeadCount, headDim: configuration.headDim)
                }
            }
        }
    }

    /// Overwrites all weights with tensors from safetensors files (HF names; F32, F16 or BF16).
    /// - Parameter files: the model's safetensors files (a tensor may be in any of them).
    /// - Throws: `ModelError.missingTensor`, `.shapeMismatch` or `.unreadable`.
    public func loadWeights(from files: [SafetensorsFile]) throws {
        releaseDecodePanels()
        let source = files.map { $0.url.lastPathComponent }.joined(separator: ", ")
        for entry in parameters.layout.entries {
            guard let file = files.first(where: { $0.hasTensor(named: entry.name) }),
                  let info = try? file.tensorInfo(named: entry.name) else {
                throw ModelError.missingTensor(name: entry.name, source: source)
            }
            guard info.shape == entry.shape else {
                throw ModelError.shapeMismatch(name: entry.name, expected: entry.shape, actual: info.shape, source: file.url.lastPathComponent)
            }
            do { try file.floats(entry.name, into: parameters[entry.name]) } catch {
                throw ModelError.unreadable(source: file.url.lastPathComponent, reason: error.description)
            }
        }
    }

    /// Undoes llama.cpp's Q/K row permutation in place: per head, GGUF row 2i + j → HF row j·D/2 + i.
    /// - Parameters: rows: [heads·D, cols] (or [heads·D] for a bias). heads: H or Hkv. headDim: D.
    static func unpermuteRotaryRows(_ rows: UnsafeMutableBufferPointer<Float>, heads: Int, headDim: Int) {
        let columns = rows.count / (heads * headDim), half = headDim / 2
        let copy = Array(rows)
        copy.withUnsafeBufferPointer { source in
            for h in 0..<heads {
                for i in 0..<half {
                    for j in 0..<2 {
                        let from = (h * headDim + 2 * i + j) * columns, to = (h * headDim + j * half + i) * columns
                        for c in 0..<columns { rows[to + c] = source[from + c] }
                    }
                }
            }
        }
    }
}
