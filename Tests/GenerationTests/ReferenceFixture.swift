// ReferenceFixture: loads Fixtures/generation/sampling_reference.json, written by
// Scripts/fixtures/generation_sampling.py (numpy, Hugging Face warper semantics). Not a test.

import Foundation
@testable import Generation

/// The independent reference numbers used by the sampler tests.
struct ReferenceFixture {
    struct Distribution {
        var row: String
        var parameters: SamplingParametersTuple
        var kept: [Int32]
        var probabilities: [Double]
    }
    struct SamplingParametersTuple {
        var temperature: Float, topK: Int, topP: Float, minP: Float
    }
    struct LogSoftmax {
        var row: String
        var temperature: Float
        var tempered: [Double]
        var raw: [Double]
    }

    var xoshiro: [(seed: UInt64, outputs: [UInt64])]
    var streams: [(seed: UInt64, stream: [Int], outputs: [UInt64])]
    var distributions: [Distribution]
    var logSoftmax: [LogSoftmax]
    var rows: [String: [Float]]

    static let shared: ReferenceFixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/generation/sampling_reference.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { fatalError("cannot read \(url.path); run Scripts/fixtures/generation_sampling.py") }
        return ReferenceFixture(object)
    }()

    /// The generated 'wide' row: x[i] = ((i * 7919) % 1009) / 64 - 8 (exact in Float).
    static func wideRow(count: Int) -> [Float] {
        (0..<count).map { Float(($0 * 7919) % 1009) / 64 - 8 }
    }

    func row(_ name: String) -> [Float] {
        name == "wide" ? Self.wideRow(count: 4099) : rows[name]!
    }

    private init(_ object: [String: Any]) {
        func u64(_ any: Any) -> UInt64 { UInt64(any as! String)! }
        xoshiro = (object["xoshiro"] as! [[String: Any]]).map {
            (u64($0["seed"]!), ($0["outputs"] as! [Any]).map(u64))
        }
        streams = (object["streams"] as! [[String: Any]]).map {
            (u64($0["seed"]!), ($0["stream"] as! [Int]), ($0["outputs"] as! [Any]).map(u64))
        }
        distributions = (object["distributions"] as! [[String: Any]]).map {
            Distribution(
                row: $0["row"] as! String,
                parameters: SamplingParametersTuple(
                    temperature: Float($0["temperature"] as! Double), topK: $0["top_k"] as! Int,
                    topP: Float($0["top_p"] as! Double), minP: Float($0["min_p"] as! Double)),
                kept: ($0["kept"] as! [Int]).map(Int32.init), probabilities: $0["probabilities"] as! [Double])
        }
        logSoftmax = (object["log_softmax"] as! [[String: Any]]).map {
            LogSoftmax(
                row: $0["row"] as! String, temperature: Float($0["temperature"] as! Double),
                tempered: $0["tempered"] as! [Double], raw: $0["raw"] as! [Double])
        }
        var rows: [String: [Float]] = [:]
        for (name, values) in object["rows"] as! [String: [Any]] {
            rows[name] = values.map { ($0 as? String) == "-inf" ? -Float.infinity : Float($0 as! Double) }
        }
        self.rows = rows
    }
}

extension ReferenceFixture.Distribution {
    var samplingParameters: SamplingParameters {
        SamplingParameters(temperature: parameters.temperature, topK: parameters.topK, topP: parameters.topP, minP: parameters.minP)
    }
}
