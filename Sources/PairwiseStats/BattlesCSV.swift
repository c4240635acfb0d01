import PairwiseCore

/// Reads battles from CSV with the header `model_a,model_b,winner`, winner being
/// `model_a`, `model_b`, `tie` or `tie (bothbad)`.
public enum BattlesCSV {
    public static func read(path: String) throws(ImportError) -> [Battle] {
        try parse(InputFile.read(path: path), file: path)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws(ImportError) -> [Battle] {
        let names = ["model_a", "model_b", "winner"]
        var battles: [Battle] = []
        for (texts, line) in try HeaderedCSV.records(bytes, file: file, columns: names) {
            for n in 0..<2 where texts[n].isEmpty { throw ImportError(file: file, line: line, field: names[n], message: "empty") }
            guard texts[0] != texts[1] else {
                throw ImportError(file: file, line: line, field: "model_b", message: "the same model as model_a")
            }
            let outcome: Comparison.Outcome
            switch texts[2] {
            case "model_a": outcome = .firstWins
            case "model_b": outcome = .secondWins
            case "tie": outcome = .tie
            case "tie (bothbad)": outcome = .bothBad
            default:
                throw ImportError(file: file, line: line, field: "winner",
                                  message: "'\(texts[2])' is not one of: model_a, model_b, tie, tie (bothbad)")
            }
            battles.append(Battle(modelA: texts[0], modelB: texts[1], outcome: outcome))
        }
        return battles
    }
}
