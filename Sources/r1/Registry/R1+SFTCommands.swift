import ArgumentParser

extension R1 {
    /// Subcommands for r1 sft; listed here so each area registers its commands in its own file.
    static let sftCommands: [any ParsableCommand.Type] = [SFTCommand.self]
}
