import PairwiseCore
import PairwiseStats
import PairwiseStore

extension ProjectStore {
    /// The newest model's report on the project (nil until a run has finished).
    public func modelReport(judgments: [Judgment]? = nil) throws -> ModelReport? {
        guard let run = try latestModelRun() else { return nil }
        return ModelReport(run: run, history: try modelRunHistory(), judgments: try judgments ?? currentJudgments(),
                           scores: try latestItemScores(), heads: try latestModelHeads(), overlap: try overlap())
    }
}
