import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import PairwiseWorkflow
import Testing

/// `stats` ends with what a lead might do next, sized from the project: contested items not
/// yet decided, items short of the overlap and this week's pace, a model whose accuracy has
/// stopped moving.
@Suite struct NextStepsTests {
    @Test func theStepsAreSizedFromTheProject() throws {
        let directory = try TemporaryDirectory()
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "none", dimensions: []), lead: "lead")
        // p0 both A; p1 A against B; p2 both tie; p3 B against A.
        for (name, strengths) in [("ann", [-2, 1, 0, 2]), ("bo", [-1, -3, 0, -1])] {
            let lines = strengths.enumerated().map { #"{"prompt": "p\#($0.offset)", "response_1": "a", "response_2": "b", "preference_strength": \#($0.element)}"# }
            try lines.joined(separator: "\n").write(toFile: directory.path("\(name).jsonl"), atomically: true, encoding: .utf8)
            _ = try store.importFiles([directory.path("\(name).jsonl")], options: ImportOptions(labelsAs: name))
        }
        // The items' rows, in file order.
        let row = { (prompt: String) -> Int64 in
            let found = try (1...4).map(Int64.init).first { try store.item(rowID: $0)?.prompt.plainText == prompt }
            return try #require(found)
        }
        let lead = try store.person("lead").id
        // p3 decided; cy labels p0 and p1 on the screen this week, preferring B (so p0 is contested too).
        let draft = JudgmentDraft(strength: PreferenceStrength(1)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 3000)
        try store.adjudicate(itemRowID: try row("p3"), leadID: lead, draft: draft, reason: .ambiguous)
        _ = try store.addAnnotator("cy", role: .annotator)
        let cy = try store.person("cy").id
        for id in ["p0", "p1"] { try store.submit(draft, itemID: try row(id), annotatorID: cy) }

        let reports = try ProjectReports.assemble(store)
        let pace = try store.progressPace()
        #expect(pace == ProgressPace(itemsNeedingLabels: 2, labelsNeeded: 2, recentLabels: 2, days: 7))
        let steps = NextSteps.plan(reports, pace: pace, decided: try store.decidedItemIDs())
        #expect(NextSteps.lines(steps) == [
            "next steps:",
            "  2 items contested  → pairwise review",
            "  2 items need labels (2 labels): ~7.0 days at this week's pace (0.3 a day)  → pairwise annotate",
        ])

        // Two models 600 labels apart with the same held-out accuracy: flat.
        for (pairs, accuracy) in [(100, 0.7), (700, 0.703)] {
            let run = try store.startModelRun(lastJudgmentID: 0)
            try store.finishModelRun(run, metrics: ModelRunMetrics(pairs: pairs, accuracy: accuracy, logLoss: 0.6, calibrationError: 0.05, trainSeconds: 1,
                                                                   parameters: .object(["held_out_pairs": .int(40)])), weights: [0], scores: [])
        }
        let withModel = NextSteps.plan(try ProjectReports.assemble(store), pace: pace, decided: try store.decidedItemIDs())
        #expect(withModel.last == NextStep(kind: .model, text: "model accuracy flat for 600 labels (0.70 → 0.70): the most uncertain pairs already come first; consider more annotators per item or clearer guidelines",
                                           command: "pairwise guidelines set FILE.md"))
        #expect(NextSteps.lines([]) == ["next steps: none (nothing contested, no one drifting, every item labelled)"])
    }
}
