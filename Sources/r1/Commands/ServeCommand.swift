// `r1 serve`: an OpenAI-compatible HTTP server over a local model (POST /v1/chat/completions, POST /v1/completions,
// GET /v1/models), so any OpenAI client, or `r1 distill --teacher-url`, can sample from it. No streaming.
import ArgumentParser
import Dispatch
import Foundation
import Generation
import Serving
import Tokenizers

/// Serves a model over HTTP.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model through an OpenAI-compatible HTTP API (chat completions, completions, models).",
        discussion: """
        Each request's prompts × n choices are decoded together as one batch by the batched generator; concurrent \
        requests wait their turn. A request with a seed gives the same choices as `r1 generate` with that seed. \
        Responses are returned whole: streaming (stream: true) is not supported. Stop with Ctrl-C.
        Example: r1 serve --model smollm2.gguf --port 8000
                 curl http://127.0.0.1:8000/v1/chat/completions -d '{"messages":[{"role":"user","content":"7*8?"}],"n":2,"seed":1}'
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Interface to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface).")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0: any free port, printed at start).")
    var port = 8000

    @Option(name: .customLong("model-name"), help: "Name clients send as \"model\" (default: the model file or folder name).")
    var modelName: String?

    @Option(name: .customLong("max-tokens"), help: "max_tokens when a request gives none.")
    var defaultMaxTokens = 256

    @Option(name: .customLong("max-batch"), help: "Most sequences decoded together (the generator's cache slots).")
    var maxBatch = 64

    @Flag(name: .customLong("r1-zero"), help: "Render conversations with the R1-Zero plain-text template instead of the model's chat template.")
    var r1Zero = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535 (got \(port))") }
        guard defaultMaxTokens >= 1 else { throw ValidationError("--max-tokens must be at least 1") }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1") }
    }

    /// The served name: `--model-name`, else the model path's last component without `.gguf`.
    var servedName: String {
        if let modelName { return modelName }
        let url = URL(fileURLWithPath: modelOptions.model)
        return url.pathExtension == "gguf" ? url.deletingPathExtension().lastPathComponent : url.lastPathComponent
    }

    func run() throws {
        let loaded = try modelOptions.load()
        loaded.model.keepsDecodePanels = true  // the served weights never change: pack them once, not per request
        let template: ChatTemplate? = r1Zero ? .r1Zero : ChatTemplate(for: loaded.tokenizer)
        let configuration = ServingConfiguration(host: host, port: port, modelName: servedName, defaultMaxTokens: defaultMaxTokens,
                                                 maximumChoices: maxBatch)
        try configuration.validate()
        let engine = ServingEngine(sampler: BatchGenerator(model: loaded.model, maximumConcurrentSequences: maxBatch),
                                   tokenizer: loaded.tokenizer, chatTemplate: template, configuration: configuration)
        let server = OpenAIServer(engine: engine)
        let name = servedName
        let chat = template == nil ? "no chat template: /v1/chat/completions answers 400"
            : r1Zero ? "R1-Zero prompt template" : "the model's chat template"
        let finished = DispatchSemaphore(value: 0)
        let failure = ErrorBox()
        Task {
            do {
                try await server.run(handleSignals: true) { host, port in
                    print("serving \(name) at http://\(host):\(port)/v1 (\(chat)); loaded in "
                          + String(format: "%.1fs", loaded.loadSeconds) + "; Ctrl-C stops")
                    fflush(nil)
                }
            } catch {
                failure.error = error
            }
            finished.signal()
        }
        finished.wait()
        if let error = failure.error { throw error }
    }
}

/// Carries an error out of the server task.
private final class ErrorBox: @unchecked Sendable {
    var error: (any Error)?
}
