import ArgumentParser

extension R1 {
    /// Subcommands for LoRA adapters (merge, inspect); listed here so each area registers its commands in its own file.
    static let loraCommands: [any ParsableCommand.Type] = [LoRACommand.self]
}
