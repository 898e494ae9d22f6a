// PassAtKTests.swift — the unbiased pass@k estimator against exact values from
// Scripts/fixtures/evaluation_passk.py (math.comb + Fraction), plus hand-computed cases.

import Foundation
import Testing
@testable import Evaluation

struct PassAtKCase: Decodable, Sendable, CustomStringConvertible {
    var n: Int, c: Int, k: Int, value: Double
    var description: String { "n=\(n) c=\(c) k=\(k)" }
}

private let fixtureCases: [PassAtKCase] = {
    struct File: Decodable { var cases: [PassAtKCase] }
    guard let data = try? Data(contentsOf: EvaluationFixtures.url("passk.json")),
          let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
    return file.cases
}()

@Suite struct PassAtKTests {
    @Test func fixtureIsPresent() {
        #expect(fixtureCases.count >= 20)
    }

    @Test(arguments: fixtureCases)
    func matchesExactPythonValues(_ c: PassAtKCase) {
        let value = PassAtK.estimate(n: c.n, c: c.c, k: c.k)
        #expect(abs(value - c.value) <= 1e-12 * max(1, abs(c.value)), "\(c): \(value) vs \(c.value)")
    }

    @Test func allCorrectIsOne() {
        for n in [1, 2, 7, 64] { for k in 1...n { #expect(PassAtK.estimate(n: n, c: n, k: k) == 1) } }
    }

    @Test func noneCorrectIsZero() {
        for n in [1, 3, 64] { for k in 1...n { #expect(PassAtK.estimate(n: n, c: 0, k: k) == 0) } }
    }

    @Test func drawingEverySampleFindsAnyCorrectOne() {
        // k = n: the draw contains every sample, so one correct sample suffices.
        for n in [1, 4, 10] { for c in 1...n { #expect(PassAtK.estimate(n: n, c: c, k: n) == 1) } }
    }

    @Test func handComputedValues() {
        // n=4, c=1, k=2: 1 − C(3,2)/C(4,2) = 1 − 3/6 = 0.5
        #expect(abs(PassAtK.estimate(n: 4, c: 1, k: 2) - 0.5) < 1e-15)
        // n=4, c=2, k=2: 1 − C(2,2)/C(4,2) = 1 − 1/6
        #expect(abs(PassAtK.estimate(n: 4, c: 2, k: 2) - 5.0 / 6.0) < 1e-15)
        // n=5, c=2, k=3: 1 − C(3,3)/C(5,3) = 1 − 1/10
        #expect(abs(PassAtK.estimate(n: 5, c: 2, k: 3) - 0.9) < 1e-15)
    }

    @Test func passAtOneIsTheCorrectFraction() {
        for n in 1...12 { for c in 0...n {
            #expect(abs(PassAtK.estimate(n: n, c: c, k: 1) - Double(c) / Double(n)) < 1e-14)
        } }
        #expect(PassAtK.passAt1([true, false, false, true]) == 0.5)
        #expect(PassAtK.passAt1([false, false, false]) == 0)
        #expect(PassAtK.passAt1([]) == 0)
    }

    @Test func meanOverProblems() {
        // (4,1,2) → 0.5, (4,2,2) → 5/6, (4,0,2) → 0: mean 4/9.
        #expect(abs(PassAtK.mean([(4, 1), (4, 2), (4, 0)], k: 2) - 4.0 / 9.0) < 1e-15)
        #expect(PassAtK.mean([], k: 1) == 0)
    }

    @Test func hugeSampleCountsStayFiniteAndMonotone() {
        // C(10000, 5000) overflows Double; the product form does not.
        var previous = 0.0
        for k in [1, 10, 100, 1000, 5000] {
            let v = PassAtK.estimate(n: 10_000, c: 3, k: k)
            #expect(v.isFinite && v >= previous && v <= 1)
            previous = v
        }
    }
}
