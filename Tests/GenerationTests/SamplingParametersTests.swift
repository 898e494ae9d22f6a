// Tests of SamplingParameters: validation rules, their exact messages, and snake_case Codable round-trips.

import Foundation
import Testing
@testable import Generation

@Suite struct SamplingParametersTests {
    @Test func defaultsAreValid() throws {
        try SamplingParameters().validate()
        try SamplingParameters.greedy(maxNewTokens: 4).validate()
        #expect(SamplingParameters.greedy().isGreedy)
        #expect(!SamplingParameters(topK: 1).isGreedy)
    }

    @Test(arguments: [
        (SamplingParameters(temperature: -0.1), "temperature"),
        (SamplingParameters(temperature: .nan), "temperature"),
        (SamplingParameters(topK: -1), "topK"),
        (SamplingParameters(topP: 0), "topP"),
        (SamplingParameters(topP: 1.5), "topP"),
        (SamplingParameters(minP: -0.01), "minP"),
        (SamplingParameters(minP: 1.01), "minP"),
        (SamplingParameters(maxNewTokens: 0), "maxNewTokens"),
        (SamplingParameters(stopTokenIDs: [2, -1]), "stopTokenIDs"),
        (SamplingParameters(stopStrings: ["</a>", ""]), "stopStrings"),
    ])
    func rejectsOutOfRange(parameters: SamplingParameters, field: String) {
        #expect {
            try parameters.validate()
        } throws: { error in
            guard case let .invalidParameter(reported, _, _) = error as? GenerationError else { return false }
            return reported == field
        }
    }

    @Test func messageNamesFieldValueAndFix() {
        let error = GenerationError.invalidParameter(field: "topP", value: "1.5", rule: "must be in (0, 1] (1 = disabled)")
        #expect(error.description == "Invalid sampling parameter topP = 1.5: must be in (0, 1] (1 = disabled). Change topP in the sampling parameters.")
    }

    @Test func decodesSnakeCaseWithDefaults() throws {
        let json = #"{"temperature": 0.7, "top_p": 0.95, "top_k": 20, "max_new_tokens": 64, "stop": ["</answer>"], "stop_token_ids": [2]}"#
        let parameters = try JSONDecoder().decode(SamplingParameters.self, from: Data(json.utf8))
        #expect(parameters == SamplingParameters(
            temperature: 0.7, topK: 20, topP: 0.95, maxNewTokens: 64, stopTokenIDs: [2], stopStrings: ["</answer>"]))
        let roundTrip = try JSONDecoder().decode(SamplingParameters.self, from: JSONEncoder().encode(parameters))
        #expect(roundTrip == parameters)
    }

    @Test func decodingRejectsInvalidValues() {
        #expect(throws: GenerationError.self) {
            try JSONDecoder().decode(SamplingParameters.self, from: Data(#"{"top_p": 0}"#.utf8))
        }
    }
}
