// Saving and loading an adapter alone in PEFT's format: a directory with adapter_model.safetensors
// (tensor names `base_model.model.model.layers.N.<module>.lora_{A,B}.weight`, f32) and adapter_config.json
// (peft_type LORA, task_type CAUSAL_LM, r, lora_alpha, lora_dropout, target_modules, …), so adapters move
// between this project and PEFT/TRL/vLLM.
import Foundation
import ModelFormats

extension LoRAAdapter {
    /// File name of the adapter weights inside an adapter directory.
    public static let weightsFileName = "adapter_model.safetensors"
    /// File name of the adapter settings inside an adapter directory.
    public static let configFileName = "adapter_config.json"

    /// The adapter_config.json object PEFT writes for this adapter.
    /// - Parameter baseModelNameOrPath: the base model's hub id or path (`base_model_name_or_path`).
    /// - Returns: a JSON object (string keys, JSON-compatible values).
    public func peftConfig(baseModelNameOrPath: String) -> [String: Any] {
        [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": baseModelNameOrPath,
            "r": configuration.rank, "lora_alpha": configuration.alpha, "lora_dropout": configuration.dropout,
            "target_modules": targets.map(\.rawValue), "use_rslora": configuration.useRSLoRA, "use_dora": false,
            "bias": "none", "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true,
            "modules_to_save": NSNull(), "layers_to_transform": NSNull(), "layers_pattern": NSNull(),
            "rank_pattern": [String: Any](), "alpha_pattern": [String: Any](), "revision": NSNull(),
        ]
    }

    /// Writes adapter_model.safetensors and adapter_config.json into `directory` (created if needed).
    /// - Parameters:
    ///   - directory: the adapter directory.
    ///   - baseModelNameOrPath: recorded as `base_model_name_or_path`.
    /// - Throws: `LoRAError.io`.
    public func save(to directory: URL, baseModelNameOrPath: String) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var writer = SafetensorsWriter(metadata: ["format": "pt"])
            for tensor in exportParameters() { try writer.addTensor(tensor.name, shape: tensor.shape, values: Array(tensor.values)) }
            try writer.write(to: directory.appendingPathComponent(Self.weightsFileName))
            let json = try JSONSerialization.data(withJSONObject: peftConfig(baseModelNameOrPath: baseModelNameOrPath),
                                                  options: [.prettyPrinted, .sortedKeys])
            try json.write(to: directory.appendingPathComponent(Self.configFileName), options: .atomic)
        } catch let error as LoRAError {
            throw error
        } catch {
            throw LoRAError.io(path: directory.path, reason: "\(error)")
        }
    }

    /// Reads the LoRA settings of a PEFT adapter_config.json.
    /// - Parameter url: the adapter_config.json file.
    /// - Returns: the settings and `base_model_name_or_path` (nil when absent).
    /// - Throws: `LoRAError.io` (unreadable, not LORA/CAUSAL_LM, DoRA, trained biases), `.invalidConfiguration`.
    public static func readPEFTConfig(_ url: URL) throws -> (configuration: LoRAConfiguration, baseModel: String?) {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
                throw LoRAError.io(path: url.path, reason: "not a JSON object")
            }
            object = parsed
        } catch let error as LoRAError { throw error } catch {
            throw LoRAError.io(path: url.path, reason: "\(error)")
        }
        func fail(_ reason: String) -> LoRAError { .io(path: url.path, reason: reason) }
        if let type = object["peft_type"] as? String, type.uppercased() != "LORA" {
            throw fail("peft_type is \(type); only LORA adapters are supported")
        }
        if let dora = object["use_dora"] as? Bool, dora { throw fail("use_dora is true; DoRA adapters are not supported") }
        if let bias = object["bias"] as? String, bias != "none" { throw fail("bias is \(bias); only bias \"none\" is supported") }
        guard let rank = (object["r"] as? NSNumber)?.intValue else { throw fail("key r (the rank) is missing or not a number") }
        guard let alpha = (object["lora_alpha"] as? NSNumber)?.doubleValue else { throw fail("key lora_alpha is missing or not a number") }
        let dropout = (object["lora_dropout"] as? NSNumber)?.doubleValue ?? 0
        let targets: [String]
        if let list = object["target_modules"] as? [String] {
            targets = list
        } else if let single = object["target_modules"] as? String {
            targets = [single]
        } else {
            throw fail("key target_modules is missing (a list of module names or \"all-linear\")")
        }
        let configuration = LoRAConfiguration(rank: rank, alpha: alpha, dropout: dropout, targetModules: targets,
                                              useRSLoRA: object["use_rslora"] as? Bool ?? false)
        // PEFT also accepts a regular expression as target_modules; `load` then takes the targets from the tensors.
        var check = configuration
        if targets.count == 1, LoRATarget(rawValue: targets[0]) == nil, targets[0].lowercased() != "all-linear" {
            check.targetModules = ["all-linear"]
        }
        try check.validate()
        return (configuration, object["base_model_name_or_path"] as? String)
    }

    /// Loads a PEFT adapter directory for a base model configuration.
    /// - Parameters:
    ///   - directory: holds adapter_config.json and adapter_model.safetensors.
    ///   - modelConfiguration: the base model's configuration (shapes are checked against it).
    /// - Returns: the adapter (dropout seed 0).
    /// - Throws: `LoRAError` (unreadable files, missing/mis-shaped/unexpected tensors, bad settings).
    public static func load(from directory: URL, modelConfiguration: LlamaConfiguration) throws -> LoRAAdapter {
        var (configuration, _) = try readPEFTConfig(directory.appendingPathComponent(configFileName))
        let url = directory.appendingPathComponent(weightsFileName)
        let file: SafetensorsFile
        do { file = try SafetensorsFile(url: url) } catch { throw LoRAError.io(path: url.path, reason: error.description) }
        // The wrapped projections are the ones the file holds tensors for (target_modules may be a regex or
        // list full module paths); a tensor of any other kind is reported by `loadParameters`.
        let present = Set(file.tensors.compactMap { info -> LoRATarget? in
            let parts = info.name.split(separator: ".")
            guard parts.count >= 3, parts.last == "weight" else { return nil }
            let module = parts[parts.count - 2] == "default" && parts.count >= 4 ? parts[parts.count - 4] : parts[parts.count - 3]
            return LoRATarget(rawValue: String(module))
        })
        if !present.isEmpty { configuration.targetModules = present.sorted().map(\.rawValue) }
        let adapter = try LoRAAdapter(modelConfiguration: modelConfiguration, configuration: configuration)
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        for info in file.tensors {
            do { tensors.append((info.name, info.shape, try file.floats(info.name))) } catch {
                throw LoRAError.io(path: url.path, reason: error.description)
            }
        }
        try adapter.loadParameters(tensors, source: url.path)
        return adapter
    }
}
