import ArgumentParser

extension R1 {
    /// Subcommands for r1 pipeline; listed here so each area registers its commands in its own file.
    static let pipelineCommands: [any ParsableCommand.Type] = [PipelineCommand.self]
}
