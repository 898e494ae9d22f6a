// SFTTrainer: learns a small fixed dataset to near-zero loss; the step's loss is the token-weighted mean
// of −log p computed independently from full logits; accumulation equals one big batch; the gradient matches
// central differences of the loss.
import Foundation
import Models
import Testing
@testable import Trainers

@Suite struct SFTTrainerTests {
    /// Σ −log softmax(logits)[target] over masked positions, from `LlamaModel.logits` in Double, and the count.
    static func referenceLoss(_ model: LlamaModel, _ examples: [SFTExample]) -> (sum: Double, count: Int) {
        let v = model.configuration.vocabularySize
        var sum = 0.0, count = 0
        for example in examples {
            let logits = model.logits(TokenBatch(tokens: example.tokens, batch: 1, length: example.tokens.count))
            for t in 1..<example.tokens.count where example.lossMask[t] {
                let row = logits[(t - 1) * v..<t * v].map(Double.init)
                let m = row.max()!
                let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
                sum += lse - row[Int(example.tokens[t])]
                count += 1
            }
        }
        return (sum, count)
    }

    @Test func learnsTheTinyDatasetToNearZeroLoss() throws {
        let c = SFTTestSupport.configuration { $0.maxSteps = 80; $0.gradientAccumulationSteps = 2 }
        let examples = try SFTTestSupport.examples(configuration: c)
        let model = try SFTTestSupport.model()
        let trainer = try SFTTrainer(model: model, configuration: c)
        let data = SFTDataset(examples: examples, configuration: c)
        let before = trainer.evaluate(examples)
        var reports: [SFTStepReport] = []
        for step in 0..<c.maxSteps { reports.append(try trainer.step(microBatches: data.microBatches(step: step))) }
        let after = trainer.evaluate(examples)
        #expect(before > 2)
        #expect(after < 0.05, "held-in loss \(after) after \(c.maxSteps) steps (first step \(reports[0].loss))")
        #expect(reports.last!.targetTokens == data.targetTokens)
    }

    @Test func stepLossIsTheTokenWeightedMeanOfIndependentLogits() throws {
        let c = SFTTestSupport.configuration { $0.maxSteps = 1 }
        let examples = try SFTTestSupport.examples(configuration: c)
        let model = try SFTTestSupport.model()
        let reference = Self.referenceLoss(model, examples)
        let trainer = try SFTTrainer(model: model, configuration: c)
        let report = try trainer.step(microBatches: [Array(examples[0..<3]), Array(examples[3...])])
        #expect(report.targetTokens == reference.count)
        #expect(abs(report.loss - reference.sum / Double(reference.count)) < 1e-4)
        #expect(report.sequences == examples.count && report.tokens == examples.reduce(0) { $0 + $1.tokens.count })
    }

    @Test func accumulationEqualsOneBatch() throws {
        let c = SFTTestSupport.configuration { $0.maxSteps = 2; $0.maxGradNorm = 0.5 }
        let examples = try SFTTestSupport.examples(configuration: c)
        let a = try SFTTrainer(model: try SFTTestSupport.model(), configuration: c)
        let b = try SFTTrainer(model: try SFTTestSupport.model(), configuration: c)
        for _ in 0..<2 {
            let ra = try a.step(microBatches: [Array(examples[0..<2]), Array(examples[2..<5]), Array(examples[5...])])
            let rb = try b.step(batch: examples)
            #expect(abs(ra.loss - rb.loss) < 1e-5 && abs(ra.gradNorm - rb.gradNorm) < 1e-4 * rb.gradNorm)
        }
        let wa = SFTTestSupport.weights(a.model), wb = SFTTestSupport.weights(b.model)
        let worst = zip(wa, wb).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5, "largest weight difference \(worst)")
    }

    @Test func gradientMatchesCentralDifferences() throws {
        let c = SFTTestSupport.configuration { $0.maxSteps = 1; $0.maxGradNorm = 0 }
        let examples = Array(try SFTTestSupport.examples(configuration: c).prefix(4))
        let model = try SFTTestSupport.model()
        let start = SFTTestSupport.weights(model)
        let trainer = try SFTTrainer(model: model, configuration: c)
        _ = try trainer.step(microBatches: [Array(examples[0..<1]), Array(examples[1...])])
        let gradient = Array(model.gradients.flat)
        // Back to the starting weights; probe the 12 largest gradient coordinates.
        _ = start.withUnsafeBufferPointer { model.parameters.flat.update(fromContentsOf: $0) }
        let probes = gradient.indices.sorted { abs(gradient[$0]) > abs(gradient[$1]) }.prefix(12)
        let h: Float = 1e-2
        for i in probes {
            let w = model.parameters.flat[i]
            model.parameters.flat[i] = w + h
            let plus = Self.referenceLoss(model, examples)
            model.parameters.flat[i] = w - h
            let minus = Self.referenceLoss(model, examples)
            model.parameters.flat[i] = w
            let numeric = (plus.sum - minus.sum) / Double(plus.count) / Double(2 * h)
            #expect(abs(numeric - Double(gradient[i])) < 0.02 * abs(numeric) + 1e-4, "coordinate \(i): \(numeric) vs \(gradient[i])")
        }
    }

    @Test func scheduleAndClippingAreApplied() throws {
        let c = SFTTestSupport.configuration {
            $0.maxSteps = 4; $0.lrSchedulerType = .linear; $0.warmupSteps = 2; $0.maxGradNorm = 1e-3
        }
        let examples = try SFTTestSupport.examples(configuration: c)
        let trainer = try SFTTrainer(model: try SFTTestSupport.model(), configuration: c)
        var rates: [Double] = []
        for _ in 0..<4 {
            let before = SFTTestSupport.weights(trainer.model)
            let report = try trainer.step(batch: examples)
            rates.append(report.learningRate)
            #expect(report.gradNorm > 1e-3)
            let clipped = (trainer.model.gradients.flat.reduce(0) { $0 + Double($1) * Double($1) }).squareRoot()
            #expect(abs(clipped - 1e-3) < 1e-6)
            if report.learningRate == 0 { #expect(SFTTestSupport.weights(trainer.model) == before) }
        }
        // HF linear schedule with 2 warmup steps over 4: 0, lr/2, lr, lr/2.
        #expect(rates == [0, 5e-3, 1e-2, 5e-3])
    }
}
