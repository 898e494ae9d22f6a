import ArgumentParser

extension R1 {
    /// Subcommands for r1 distill, r1 serve; listed here so each area registers its commands in its own file.
    static let distillationCommands: [any ParsableCommand.Type] = [DistillCommand.self, ServeCommand.self]
}
