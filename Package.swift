// swift-tools-version:6.0
// SwiftR1: R1-style reasoning RL (GRPO + verifiable rewards) in Swift.
// Layers (one way): CPUHints (C: prefetch) ← TensorEngine ← Models ← Generation; ModelFormats ← {Models, Tokenizers};
// MathVerification, Sandbox ← Rewards; everything ← Training ← Trainers, Evaluation, Distillation ← r1;
// Pipeline (runs r1's commands as stages) ← r1;
// ModelExport and Serving sit on Models + Tokenizers.
import PackageDescription

/// Kernels need FMA and AVX2 to vectorise; swiftc targets baseline SSE2 otherwise
/// (see ../shared/notes/platform.md §3). `haswell` is the portable x86-64-v3 spelling swiftc accepts. `-Xcc` gives
/// the C headers Swift imports (CPUHints' prefetch) the same target, so they inline into the kernels.
#if arch(x86_64)
let fastMath: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-Xcc", "-march=haswell"])]
#else
let fastMath: [SwiftSetting] = []
#endif
let optimized: [SwiftSetting] = fastMath + [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "SwiftR1",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "r1", targets: ["r1"]),
        .library(name: "SwiftR1", targets: [
            "TensorEngine", "ModelFormats", "Tokenizers", "Models", "Generation",
            "Sandbox", "MathVerification", "Rewards", "Training", "Trainers", "Evaluation",
            "ModelExport", "Distillation", "Serving", "Pipeline",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        // Engine layer
        .target(name: "CPUHints"),
        .target(name: "TensorEngine", dependencies: ["CPUHints"], swiftSettings: optimized),
        .target(name: "ModelFormats", swiftSettings: optimized),
        .target(name: "Tokenizers", dependencies: ["ModelFormats"], swiftSettings: optimized),
        .target(name: "Models", dependencies: ["TensorEngine", "ModelFormats"], swiftSettings: optimized),
        .target(name: "Generation", dependencies: ["Models", "TensorEngine"], swiftSettings: optimized),
        // Reward layer (no tensor engine)
        .target(name: "Sandbox", swiftSettings: fastMath),
        .target(name: "MathVerification", dependencies: [.product(name: "BigInt", package: "BigInt")], swiftSettings: fastMath),
        .target(name: "Rewards", dependencies: ["MathVerification", "Sandbox"], swiftSettings: fastMath),
        // Training layer
        .target(name: "Training", dependencies: [
            "TensorEngine", "Models", "Generation", "Tokenizers", "Rewards", "ModelFormats",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: optimized),
        // The loops that drive model + sampler + rewards: GRPO, SFT, the built-in R1-Zero experiment.
        .target(name: "Trainers", dependencies: [
            "TensorEngine", "Models", "Generation", "Tokenizers", "Rewards", "Training", "ModelFormats",
        ], swiftSettings: optimized),
        // Evaluation: pass@1 over k samples, unbiased pass@k, cons@k by mathematical equivalence.
        .target(name: "Evaluation", dependencies: [
            "Models", "Generation", "Tokenizers", "Rewards", "Training", "MathVerification",
        ], swiftSettings: optimized),
        // A trained model (or merged adapter) written as a Hugging Face folder or a GGUF file.
        .target(name: "ModelExport", dependencies: ["Models", "Tokenizers", "ModelFormats", "TensorEngine"], swiftSettings: optimized),
        // An OpenAI-compatible HTTP server over a local model (`r1 serve`), so any client or teacher loop can use it.
        .target(name: "Serving", dependencies: [
            "Models", "Generation", "Tokenizers",
            .product(name: "Hummingbird", package: "hummingbird"),
        ], swiftSettings: optimized),
        // Rejection sampling and distillation: teachers (local or OpenAI-compatible endpoints), verifier filters, SFT sets.
        .target(name: "Distillation", dependencies: [
            "Models", "Generation", "Tokenizers", "Rewards", "MathVerification", "Training",
        ], swiftSettings: optimized),
        // The multi-stage R1 recipe: cold-start SFT → GRPO → rejection sampling → SFT → GRPO → distillation.
        .target(name: "Pipeline", dependencies: [
            "Rewards", "Training", .product(name: "Yams", package: "Yams"),
        ], swiftSettings: optimized),
        // Command-line tool
        .executableTarget(name: "r1", dependencies: [
            "TensorEngine", "ModelFormats", "Tokenizers", "Models", "Generation",
            "Sandbox", "MathVerification", "Rewards", "Training", "Trainers", "Evaluation",
            "ModelExport", "Distillation", "Serving", "Pipeline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: fastMath),
        // Tests: one target per library target; RealModelTests needs the SmolLM2 GGUF and runs in release.
        // TestSupport (not a product): fixtures shared by several test targets (the in-process tiny OpenAI server).
        .target(name: "TestSupport", dependencies: ["Serving", "Models", "Generation", "Tokenizers"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorEngineTests", dependencies: ["TensorEngine"], swiftSettings: fastMath),
        .testTarget(name: "ModelFormatsTests", dependencies: ["ModelFormats"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "ModelFormats"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TensorEngine", "ModelFormats"], swiftSettings: fastMath),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "Models", "TensorEngine"]),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox"]),
        .testTarget(name: "MathVerificationTests", dependencies: ["MathVerification"]),
        .testTarget(name: "RewardsTests", dependencies: ["Rewards", "MathVerification", "Sandbox"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Models", "TensorEngine", "Generation", "Rewards", "Tokenizers"]),
        .testTarget(name: "TrainersTests", dependencies: ["Trainers", "Training", "Models", "Generation", "Rewards", "Tokenizers", "TensorEngine"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Rewards", "MathVerification", "Generation", "Models", "Tokenizers"]),
        .testTarget(name: "ModelExportTests", dependencies: ["ModelExport", "Models", "Tokenizers", "ModelFormats", "TensorEngine"]),
        .testTarget(name: "ServingTests", dependencies: ["Serving", "Models", "Generation", "Tokenizers", "TestSupport"]),
        .testTarget(name: "DistillationTests", dependencies: [
            "Distillation", "Serving", "Models", "Generation", "Tokenizers", "Rewards", "Training", "TestSupport",
        ]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Training", "Rewards"]),
        .testTarget(name: "r1Tests", dependencies: ["r1"]),
        .testTarget(name: "RealModelTests", dependencies: [
            "Models", "ModelFormats", "Tokenizers", "Generation", "TensorEngine", "Sandbox", "Rewards", "Training", "Trainers", "Evaluation",
            "ModelExport", "Distillation", "Serving", "Pipeline",
        ]),
    ]
)
