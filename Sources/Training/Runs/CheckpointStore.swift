// CheckpointStore.swift — atomic, verified checkpoints on disk.
//
// Layout of checkpoints/step-00000100/:
//   weights.safetensors     model tensors (F32, ModelFormats' SafetensorsWriter)
//   optimizer.safetensors   AdamW first_moment / second_moment [N]   (absent without optimizer state)
//   optimizer.json          {"step": t}                                (absent without optimizer state)
//   trainer_state.json      TrainerState
//   config.json, config.yaml  the resolved GRPOConfiguration
//   manifest.json           format version, step, and size + CRC32C of every other file — written last
// Writing: all files go to checkpoints/.tmp-step-…-<uuid>/, each fsynced; the manifest is written and
// fsynced last; then the directory is fsynced and renamed to its final name and the parent fsynced.
// A crash at any point leaves either the previous state or a complete new checkpoint; temporary
// directories are ignored by `latest(in:)` and removed by `removeTemporaries(in:)`.
// Reading: the manifest must exist and every listed file must match its size and CRC32C.

import Foundation
import ModelFormats

/// Writes and reads checkpoints.
public enum CheckpointStore {
    /// Version of the layout above.
    public static let formatVersion = 1

    /// Name and integrity data of one file.
    struct ManifestEntry: Codable, Equatable {
        var name: String
        var bytes: Int
        var crc32c: UInt32
    }

    /// manifest.json
    struct Manifest: Codable {
        var formatVersion: Int
        var step: Int
        var files: [ManifestEntry]

        enum CodingKeys: String, CodingKey { case formatVersion = "format_version", step, files }
    }

    /// Writes `checkpoint` atomically to `directory` (replacing an existing checkpoint there).
    /// - Parameters:
    ///   - checkpoint: the state to save.
    ///   - directory: final checkpoint directory, e.g. `run.checkpointURL(step:)`; its parent must exist.
    /// - Throws: `TrainingError.writeFailed`.
    public static func write(_ checkpoint: Checkpoint, to directory: URL) throws {
        try write(checkpoint, to: directory, afterFile: nil)
    }

    /// As `write(_:to:)`, with a hook called after each file is durable (tests simulate crashes by throwing).
    static func write(_ checkpoint: Checkpoint, to directory: URL, afterFile hook: ((String) throws -> Void)?) throws {
        // Errors of the hook pass through unchanged (not wrapped as write failures).
        struct HookError: Error { let underlying: Error }
        func afterFile(_ name: String) throws {
            do { try hook?(name) } catch { throw HookError(underlying: error) }
        }
        let parent = directory.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".tmp-\(directory.lastPathComponent)-\(UUID().uuidString)",
                                                      isDirectory: true)
        do { try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false) } catch {
            throw TrainingError.writeFailed(path: temporary.path, reason: "\(error)")
        }
        var entries: [ManifestEntry] = []
        func put(_ name: String, _ bytes: UnsafeRawBufferPointer) throws {
            try AtomicFile.writeDurably(bytes, to: temporary.appendingPathComponent(name))
            entries.append(ManifestEntry(name: name, bytes: bytes.count, crc32c: CRC32C.checksum(bytes)))
            try afterFile(name)
        }
        func put(_ name: String, _ data: Data) throws { try data.withUnsafeBytes { try put(name, $0) } }
        func put(_ name: String, _ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try put(name, $0) } }
        let json = JSONEncoder()
        json.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var weights = SafetensorsWriter(metadata: ["format": "swiftr1", "step": String(checkpoint.trainerState.step)])
            for tensor in checkpoint.weights {
                try weights.addTensor(tensor.name, shape: tensor.shape, values: tensor.values)
            }
            try put("weights.safetensors", weights.serialized())
            if let optimizer = checkpoint.optimizer {
                var moments = SafetensorsWriter()
                let n = optimizer.firstMoment.count
                try moments.addTensor("first_moment", shape: [n], values: optimizer.firstMoment)
                try moments.addTensor("second_moment", shape: [n], values: optimizer.secondMoment)
                try put("optimizer.safetensors", moments.serialized())
                try put("optimizer.json", try json.encode(["step": optimizer.step]))
            }
            try put("trainer_state.json", try json.encode(checkpoint.trainerState))
            try put("config.json", try json.encode(checkpoint.configuration))
            try put("config.yaml", Data(try checkpoint.configuration.yaml().utf8))
            let manifest = Manifest(formatVersion: formatVersion, step: checkpoint.trainerState.step, files: entries)
            try AtomicFile.writeDurably(try json.encode(manifest), to: temporary.appendingPathComponent("manifest.json"))
            try afterFile("manifest.json")
            try AtomicFile.syncDirectory(temporary)
        } catch let error as HookError {
            throw error.underlying
        } catch let error as TrainingError {
            throw error
        } catch let error as SafetensorsError {
            throw TrainingError.writeFailed(path: temporary.path, reason: "\(error)")
        } catch {
            throw TrainingError.writeFailed(path: temporary.path, reason: "\(error)")
        }
        // Swap in: an existing checkpoint at the destination is moved aside first, removed after.
        var displaced: URL?
        if FileManager.default.fileExists(atPath: directory.path) {
            let aside = parent.appendingPathComponent(".old-\(directory.lastPathComponent)-\(UUID().uuidString)")
            try AtomicFile.move(directory, to: aside)
            displaced = aside
        }
        do { try afterFile("rename") } catch let error as HookError { throw error.underlying }
        try AtomicFile.move(temporary, to: directory)
        if let displaced { try? FileManager.default.removeItem(at: displaced) }
    }

    /// Reads and verifies a checkpoint.
    /// - Parameter directory: a checkpoint directory.
    /// - Returns: the checkpoint.
    /// - Throws: `TrainingError.corruptCheckpoint` (missing manifest or file, size or checksum mismatch,
    ///   undecodable content), `.unsupportedCheckpointVersion`.
    public static func read(from directory: URL) throws -> Checkpoint {
        let manifest = try verify(directory)
        func data(_ name: String) throws -> Data {
            do { return try Data(contentsOf: directory.appendingPathComponent(name)) } catch {
                throw TrainingError.corruptCheckpoint(path: directory.path, reason: "cannot read \(name): \(error)")
            }
        }
        func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: try data(name)) } catch let error as TrainingError {
                throw error
            } catch {
                throw TrainingError.corruptCheckpoint(path: directory.path, reason: "\(name) does not decode: \(error)")
            }
        }
        let names = Set(manifest.files.map(\.name))
        do {
            let weightsFile = try SafetensorsFile(url: directory.appendingPathComponent("weights.safetensors"))
            let weights = try weightsFile.tensors.map { info in
                CheckpointTensor(name: info.name, shape: info.shape, values: try weightsFile.floats(info.name))
            }
            var optimizer: AdamWState?
            if names.contains("optimizer.safetensors") {
                let moments = try SafetensorsFile(url: directory.appendingPathComponent("optimizer.safetensors"))
                let step = try decode([String: Int].self, "optimizer.json")["step"] ?? 0
                optimizer = try AdamWState(firstMoment: try moments.floats("first_moment"),
                                           secondMoment: try moments.floats("second_moment"), step: step)
            }
            return Checkpoint(weights: weights, optimizer: optimizer,
                              trainerState: try decode(TrainerState.self, "trainer_state.json"),
                              configuration: try decode(GRPOConfiguration.self, "config.json"))
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError.corruptCheckpoint(path: directory.path, reason: "\(error)")
        }
    }

    /// Checks the manifest, and the size and CRC32C of every listed file.
    /// - Returns: the manifest.
    /// - Throws: `TrainingError.corruptCheckpoint` or `.unsupportedCheckpointVersion`.
    @discardableResult
    static func verify(_ directory: URL, checksums: Bool = true) throws -> Manifest {
        let path = directory.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.corruptCheckpoint(path: path, reason: "the directory does not exist")
        }
        guard let manifestData = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")) else {
            throw TrainingError.corruptCheckpoint(
                path: path, reason: "manifest.json is missing, so the checkpoint was not completely written")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: manifestData) } catch {
            throw TrainingError.corruptCheckpoint(path: path, reason: "manifest.json does not decode: \(error)")
        }
        guard manifest.formatVersion == formatVersion else {
            throw TrainingError.unsupportedCheckpointVersion(path: path, found: manifest.formatVersion, supported: formatVersion)
        }
        for required in ["weights.safetensors", "trainer_state.json", "config.json"]
        where !manifest.files.contains(where: { $0.name == required }) {
            throw TrainingError.corruptCheckpoint(path: path, reason: "manifest.json does not list \(required)")
        }
        for entry in manifest.files {
            let url = directory.appendingPathComponent(entry.name)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            guard let size else {
                throw TrainingError.corruptCheckpoint(path: path, reason: "\(entry.name) is missing")
            }
            guard size == entry.bytes else {
                throw TrainingError.corruptCheckpoint(
                    path: path, reason: "\(entry.name) has \(size) bytes but the manifest says \(entry.bytes)")
            }
            if checksums {
                guard let data = try? Data(contentsOf: url, options: .alwaysMapped),
                      CRC32C.checksum(data) == entry.crc32c else {
                    throw TrainingError.corruptCheckpoint(path: path, reason: "\(entry.name) fails its CRC32C check")
                }
            }
        }
        return manifest
    }

    /// The newest complete checkpoint in a checkpoints directory (by step number in the name; manifest and
    /// sizes verified, checksums left to `read`), or nil if there is none. Temporary directories are skipped.
    public static func latest(in checkpointsDirectory: URL) -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsDirectory.path)) ?? []
        let steps = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("step-"), let step = Int(name.dropFirst(5)) else { return nil }
            return (step, name)
        }.sorted { $0.0 > $1.0 }
        for (_, name) in steps {
            let url = checkpointsDirectory.appendingPathComponent(name, isDirectory: true)
            if (try? verify(url, checksums: false)) != nil { return url }
        }
        return nil
    }

    /// Cleans up after interrupted saves: removes `.tmp-*` directories, and for each `.old-<name>-<uuid>`
    /// (a checkpoint moved aside to be replaced) restores it as `<name>` if the replacement never arrived,
    /// else removes it. Call once before `latest(in:)` when resuming.
    /// - Returns: the number of directories removed (restored ones are not counted).
    @discardableResult
    public static func removeTemporaries(in checkpointsDirectory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsDirectory.path)) ?? []
        var removed = 0
        for name in names where name.hasPrefix(".tmp-") || name.hasPrefix(".old-") {
            let url = checkpointsDirectory.appendingPathComponent(name)
            if name.hasPrefix(".old-"), name.count > 5 + 37 {
                let original = String(name.dropFirst(5).dropLast(37))
                let destination = checkpointsDirectory.appendingPathComponent(original)
                if !FileManager.default.fileExists(atPath: destination.path), (try? AtomicFile.move(url, to: destination)) != nil {
                    continue
                }
            }
            if (try? FileManager.default.removeItem(at: url)) != nil { removed += 1 }
        }
        return removed
    }

    /// Deletes all but the newest `keep` complete checkpoints.
    /// - Returns: the number of checkpoints deleted.
    @discardableResult
    public static func prune(_ checkpointsDirectory: URL, keeping keep: Int) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsDirectory.path)) ?? []
        let steps = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("step-"), let step = Int(name.dropFirst(5)) else { return nil }
            return (step, name)
        }.sorted { $0.0 > $1.0 }
        var deleted = 0
        for (_, name) in steps.dropFirst(max(0, keep)) {
            if (try? FileManager.default.removeItem(at: checkpointsDirectory.appendingPathComponent(name))) != nil {
                deleted += 1
            }
        }
        return deleted
    }
}
