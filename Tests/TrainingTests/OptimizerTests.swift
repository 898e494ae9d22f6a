// OptimizerTests.swift — AdamW, gradient clipping and learning-rate schedules against the numpy reference.

import Foundation
import Testing
@testable import Training

@Suite struct OptimizerTests {
    @Test(arguments: 0..<3)
    func adamWMatchesReference(run: Int) throws {
        let f = try #require(try TrainingFixtures.json("optimizer_reference.json")["adamw"] as? [String: Any])
        let r = try #require((f["runs"] as? [[String: Any]])?[run])
        let noDecay = doubles(r["no_decay"]).map(Int.init)
        var parameters = doubles(f["initial"]).map(Float.init)
        let gradients = try #require(f["gradients"] as? [Any]).map { doubles($0).map(Float.init) }
        let lrs = doubles(f["learning_rates"])
        var optimizer = AdamW(parameterCount: parameters.count,
                              configuration: .init(weightDecay: number(r["weight_decay"])),
                              noDecayRanges: noDecay[0] < noDecay[1] ? [noDecay[0]..<noDecay[1]] : [])
        for (g, lr) in zip(gradients, lrs) {
            parameters.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { optimizer.update(parameters: p, gradients: $0, learningRate: Float(lr)) }
            }
        }
        #expect(optimizer.state.step == 4)
        #expect(closeness(parameters.map(Double.init), doubles(r["parameters"]), rtol: 1e-5, atol: 1e-6) <= 1)
        #expect(closeness(optimizer.state.firstMoment.map(Double.init), doubles(r["first_moment"]),
                          rtol: 1e-5, atol: 1e-7) <= 1)
        #expect(closeness(optimizer.state.secondMoment.map(Double.init), doubles(r["second_moment"]),
                          rtol: 1e-5, atol: 1e-9) <= 1)
    }

    @Test func adamWStateRoundTripsThroughJSON() throws {
        var optimizer = AdamW(parameterCount: 3)
        var p: [Float] = [1, 2, 3]
        let g: [Float] = [0.1, -0.2, 0.3]
        p.withUnsafeMutableBufferPointer { pp in
            g.withUnsafeBufferPointer { optimizer.update(parameters: pp, gradients: $0, learningRate: 0.01) }
        }
        let decoded = try JSONDecoder().decode(AdamWState.self, from: JSONEncoder().encode(optimizer.state))
        #expect(decoded == optimizer.state)
        #expect(throws: TrainingError.optimizerStateMismatch(expected: 4, found: 3)) {
            try AdamW(state: decoded, parameterCount: 4, configuration: .init())
        }
    }

    @Test(arguments: 0..<2)
    func clippingMatchesReference(index: Int) throws {
        let f = try #require(try TrainingFixtures.json("optimizer_reference.json")["clip"] as? [String: Any])
        let c = try #require((f["cases"] as? [[String: Any]])?[index])
        var a = doubles(f["a"]).map(Float.init), b = doubles(f["b"]).map(Float.init)
        let norm = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in GradientClipping.clip([pa, pb], maxNorm: number(c["max_norm"])) }
        }
        #expect(abs(norm - number(f["norm"])) < 1e-5 * number(f["norm"]))
        #expect(closeness(a.map(Double.init), doubles(c["a"]), rtol: 1e-5, atol: 1e-7) <= 1)
        #expect(closeness(b.map(Double.init), doubles(c["b"]), rtol: 1e-5, atol: 1e-7) <= 1)
    }

    @Test func globalNormOfLargeBuffer() {
        // 10,001 values of 0.5 (blocks of 4096 plus a tail): norm = 0.5·√10001.
        let values = [Float](repeating: 0.5, count: 10_001)
        let norm = values.withUnsafeBufferPointer { GradientClipping.globalNorm([$0]) }
        #expect(abs(norm - 0.5 * 10_001.0.squareRoot()) < 1e-9)
    }

    @Test func schedulesMatchReference() throws {
        let rows = try #require(try TrainingFixtures.json("optimizer_reference.json")["schedules"] as? [[String: Any]])
        #expect(rows.count == 10)
        for row in rows {
            let type = try #require(LearningRateScheduleType(rawValue: row["type"] as? String ?? ""))
            let schedule = LearningRateSchedule(type: type, peak: 2e-6, warmupSteps: Int(number(row["warmup"])),
                                                totalSteps: Int(number(row["total"])),
                                                minimumRatio: number(row["min_ratio"]))
            let expected = doubles(row["factors"])
            for (step, factor) in expected.enumerated() {
                #expect(abs(schedule.factor(step: step) - factor) < 1e-12, "\(type) step \(step)")
                #expect(abs(schedule.learningRate(step: step) - 2e-6 * factor) < 1e-18)
            }
        }
        let warmups = try #require(try TrainingFixtures.json("optimizer_reference.json")["warmup_steps"] as? [[String: Any]])
        for w in warmups {
            #expect(LearningRateSchedule.warmupSteps(ratio: number(w["ratio"]), totalSteps: Int(number(w["total"])))
                == Int(number(w["steps"])))
        }
    }
}
