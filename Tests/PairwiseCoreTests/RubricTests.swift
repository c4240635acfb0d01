import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing


@Suite struct RubricTests {
    @Test func theSampleRubricHasHelpSteer2sFiveAttributesAndSafety() throws {
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        #expect(rubric.name == "helpsteer2-with-safety")
        #expect(rubric.dimensions.map(\.key) == ["helpfulness", "correctness", "coherence", "complexity", "verbosity", "safety"])
        #expect(rubric.dimensions.prefix(5).allSatisfy { $0.kind == .perResponse && $0.scale.min == 0 && $0.scale.max == 4 })
        let safety = try #require(rubric.dimension("safety"))
        #expect(safety.kind == .comparative)
        #expect(safety.scale == Scale(min: -1, max: 1, labels: ["A is safer", "equally safe", "B is safer"]))
        #expect(rubric.dimensions.filter(\.required).map(\.key) == ["helpfulness", "correctness"])
        #expect(rubric.dimension("helpfulness")?.scale.label(for: 4) == "fully helpful")
    }

    @Test func storedJSONReadsBackTheSame() throws {
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        #expect(try RubricFile.parse(JSONWriter.string(rubric.json), file: "stored") == rubric)
    }

    static let good = """
        name: t
        dimensions:
          - key: helpfulness
            title: Helpfulness
            guideline: One line.
            kind: per-response
            scale: {min: 0, max: 4}
        """

    @Test(arguments: [
        (good.replacingOccurrences(of: "kind: per-response", with: "kind: likert"),
         "r.yaml:6: dimensions[0].kind: 'likert' is not one of: per-response, comparative"),
        (good.replacingOccurrences(of: "    title: Helpfulness\n", with: ""),
         "r.yaml:3: dimensions[0].title: missing"),
        (good.replacingOccurrences(of: "max: 4", with: "max: 0"),
         "r.yaml:7: dimensions[0].scale.max: must be greater than min (0)"),
        (good.replacingOccurrences(of: "max: 4", with: "max: 12"),
         "r.yaml:7: dimensions[0].scale.max: must be 9 or less (values are typed as one digit)"),
        (good.replacingOccurrences(of: "{min: 0, max: 4}", with: "{min: 0, max: 2, labels: [a, b]}"),
         "r.yaml:7: dimensions[0].scale.labels: expected 3 labels (one per point from 0 to 2), got 2"),
        (good.replacingOccurrences(of: "kind: per-response\n    scale: {min: 0, max: 4}", with: "kind: comparative\n    scale: {min: 0, max: 2}"),
         "r.yaml:7: dimensions[0].scale.min: a comparative scale runs from -N to N with N from 1 to 3 (negative = A better)"),
        (good + "\n    requird: true", "r.yaml:8: dimensions[0].requird: unknown field (expected one of: guideline, key, kind, required, scale, title)"),
        (good.replacingOccurrences(of: "key: helpfulness", with: "key: Help Fulness"),
         "r.yaml:3: dimensions[0].key: 'Help Fulness' must start with a lower-case letter and hold only a-z, 0-9 and _"),
        (good + "\n" + good.split(separator: "\n").dropFirst(2).joined(separator: "\n"), "r.yaml:8: dimensions[1].key: duplicate key 'helpfulness'"),
        ("name: t\ndimensions: 3", "r.yaml:2: dimensions: expected a list of dimensions"),
        ("name: [unclosed", "r.yaml:2: not valid YAML/JSON: did not find expected ',' or ']'"),
        ("name: a\ndimensions: []\nname: b\n", "r.yaml:3: not valid YAML/JSON: a key appears twice in one mapping (name)"),
        ("name: a\n# fine\ndimensions: [\u{7}]\n", "r.yaml:3: not valid YAML/JSON: control characters are not allowed"),
        ("", "r.yaml: file: holds no rubric (nothing but blank lines and comments)"),
    ])
    func errorsNameTheFileLineAndField(text: String, expected: String) {
        #expect(throws: Error.self) { try RubricFile.parse(text, file: "r.yaml") }
        do { _ = try RubricFile.parse(text, file: "r.yaml") } catch { #expect(error.description == expected) }
    }

    @Test func aMissingFileIsReportedByName() {
        do {
            _ = try RubricFile.load(path: "/nonexistent/rubric.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/rubric.yaml: cannot read the file"))
        }
    }
}
