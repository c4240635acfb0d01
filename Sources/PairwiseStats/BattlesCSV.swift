import PairwiseCore

/// Reads battles from CSV with the header `model_a,model_b,winner`, winner being
/// `model_a`, `model_b`, `tie` or `tie (bothbad)`.
public enum BattlesCSV {
    public static func read(path: String) throws(ImportError) -> BattleTable {
        try table(InputFile.read(path: path), file: path)
    }

    /// The battles as model numbers: a byte scan when nothing is quoted, else `parse`.
    public static func table(_ bytes: [UInt8], file: String) throws(ImportError) -> BattleTable {
        guard UnquotedCSV.applies(to: bytes) else { return BattleTable(try parse(bytes, file: file)) }
        let columns = ["model_a", "model_b", "winner"]
        let outcomes: [(text: [UInt8], outcome: Comparison.Outcome)] = [
            (Array("model_a".utf8), .firstWins), (Array("model_b".utf8), .secondWins), (Array("tie".utf8), .tie), (Array("tie (bothbad)".utf8), .bothBad),
        ]
        var models = ByteInterner(), comparisons: [Comparison] = [], sawHeader = false
        try bytes.withUnsafeBufferPointer { (buffer) throws(ImportError) in
            try UnquotedCSV.forEachRecord(buffer) { (fields, line) throws(ImportError) in
                let texts = { (n: Int) in UnquotedCSV.text(buffer, fields[n]) }
                guard sawHeader else {
                    let names = fields.indices.map(texts)
                    guard names == columns else {
                        throw ImportError(file: file, line: line, field: "header", message: "expected \(columns.joined(separator: ",")), got \(names.joined(separator: ","))")
                    }
                    sawHeader = true
                    return
                }
                guard fields.count == 3 else {
                    throw ImportError(file: file, line: line, field: "record", message: "expected 3 fields, got \(fields.count)")
                }
                for n in 0..<2 where fields[n].isEmpty { throw ImportError(file: file, line: line, field: columns[n], message: "empty") }
                let a = models.index(buffer, fields[0]).index, b = models.index(buffer, fields[1]).index
                guard a != b else { throw ImportError(file: file, line: line, field: "model_b", message: "the same model as model_a") }
                let winner = UnsafeBufferPointer(rebasing: buffer[fields[2]])
                guard let outcome = outcomes.first(where: { $0.text.elementsEqual(winner) })?.outcome else {
                    throw ImportError(file: file, line: line, field: "winner",
                                      message: "'\(texts(2))' is not one of: model_a, model_b, tie, tie (bothbad)")
                }
                comparisons.append(Comparison(Int(a), Int(b), outcome))
            }
        }
        guard sawHeader else {
            throw ImportError(file: file, line: 1, field: "header", message: "the file is empty (expected the header \(columns.joined(separator: ",")))")
        }
        return BattleTable(models: models.names, comparisons: comparisons)
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
