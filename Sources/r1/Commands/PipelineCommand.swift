// `r1 pipeline`: the multi-stage R1 recipe — cold-start SFT, GRPO, rejection sampling, SFT, GRPO,
// distillation, evaluation — from one recipe file, each stage kept, resumable at any stage.
import ArgumentParser
import Foundation
import Pipeline

/// Runs a multi-stage pipeline recipe.
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run the multi-stage R1 recipe (cold-start SFT → GRPO → rejection sampling → SFT → GRPO → distillation).",
        discussion: """
        The recipe (YAML) names a base model and an ordered list of stages; kinds: cold_start (worked solutions
        of a built-in task as an SFT set), sft (r1 sft), grpo (r1 grpo, then its final weights exported as a
        Hugging Face folder), rejection_sampling (r1 distill: a teacher's verified samples as an SFT set), eval
        (r1 eval) and export (r1 export). A stage reads the latest model (or `model: base | STAGE | PATH`) and,
        for SFT, the latest data set (or `data: [STAGE | PATH, …]`); `recipe:`, `set: {KEY: VALUE}` and
        `args: [...]` are handed to the stage's command. Each stage runs as a child process in
        OUTPUT/NN-name/ with its log in stage.log. Rerunning the same command keeps finished stages and resumes
        the interrupted one (training resumes from its newest checkpoint); --from STAGE redoes that stage and
        every later one, setting the old directories aside. Shipped recipes: Recipes/pipeline-quick.yaml
        (well under an hour on 2 cores) and Recipes/pipeline-smollm2.yaml.
        """)

    @Argument(help: "Pipeline recipe (YAML).")
    var recipe: String
    @Option(help: "Base model (.gguf file or Hugging Face folder); overrides the recipe's base_model.")
    var model: String?
    @Option(help: "Output directory (one subdirectory per stage).")
    var output: String
    @Option(help: "Redo this stage and every later one.")
    var from: String?
    @Flag(help: "Print the stages and their command lines without running them.")
    var dryRun = false

    func run() throws {
        let recipe = try PipelineRecipe.load(URL(fileURLWithPath: self.recipe), baseModelOverride: model)
        let output = URL(fileURLWithPath: self.output, isDirectory: true)
        if dryRun {
            for plan in try StagePlanner(recipe: recipe, outputDirectory: output).plans() {
                print("[\(plan.index + 1)] \(plan.stage.name) (\(plan.stage.kind.rawValue)) → \(plan.directory.path)")
                for step in plan.steps {
                    switch step {
                    case .coldStart(let writer, let file):
                        print("    write \(writer.count) worked solutions of \(writer.task) → \(file.path)")
                    case .concatenate(let inputs, let file):
                        print("    concatenate \(inputs.joined(separator: " + ")) → \(file.path)")
                    case .command(let arguments, _):
                        print("    r1 \(arguments.joined(separator: " "))")
                    }
                }
            }
            return
        }
        let launcher = ProcessStageLauncher(executable: ProcessStageLauncher.currentExecutable())
        let runner = PipelineRunner(recipe: recipe, outputDirectory: output, launcher: launcher)
        let summary = try runner.run(from: from) { print($0) }
        print("\npipeline finished: \(output.path)")
        for stage in summary.stages {
            let time = stage.action == "ran" ? String(format: "%6.0f s", stage.seconds) : "  (kept)"
            print("  \(stage.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(time)  \(stage.output ?? "")")
        }
    }
}
