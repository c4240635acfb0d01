import PairwiseCore

/// Reads battles from CSV with the header `model_a,model_b,winner`, winner being
/// `model_a`, `model_b`, `tie` or `tie (bothbad)`.
public enum BattlesCSV {
    public static func read(path: String) throws(ImportError) -> [Battle] {
        try parse(InputFile.read(path: path), file: path)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws(ImportError) -> [Battle] {
        var parser = CSVParser(bytes: bytes)
        func next() throws(ImportError) -> (fields: [[UInt8]], line: Int)? {
            do { return try parser.next() } catch { throw ImportError(file: file, line: parser.line, field: error.field, message: error.message) }
        }
        guard let header = try next() else {
            throw ImportError(file: file, line: 1, field: "header", message: "the file is empty (expected the header model_a,model_b,winner)")
        }
        let names = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: " ") }
        guard names == ["model_a", "model_b", "winner"] else {
            throw ImportError(file: file, line: header.line, field: "header", message: "expected model_a,model_b,winner, got \(names.joined(separator: ","))")
        }
        var battles: [Battle] = []
        while let row = try next() {
            guard row.fields.count == 3 else {
                throw ImportError(file: file, line: row.line, field: "record", message: "expected 3 fields, got \(row.fields.count)")
            }
            var texts: [String] = []
            for (name, raw) in zip(names, row.fields) {
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw ImportError(file: file, line: row.line, field: name, message: "invalid UTF-8")
                }
                texts.append(text.trimmingCharacters(in: " "))
            }
            for n in 0..<2 where texts[n].isEmpty { throw ImportError(file: file, line: row.line, field: names[n], message: "empty") }
            guard texts[0] != texts[1] else {
                throw ImportError(file: file, line: row.line, field: "model_b", message: "the same model as model_a")
            }
            let outcome: Comparison.Outcome
            switch texts[2] {
            case "model_a": outcome = .firstWins
            case "model_b": outcome = .secondWins
            case "tie": outcome = .tie
            case "tie (bothbad)": outcome = .bothBad
            default:
                throw ImportError(file: file, line: row.line, field: "winner",
                                  message: "'\(texts[2])' is not one of: model_a, model_b, tie, tie (bothbad)")
            }
            battles.append(Battle(modelA: texts[0], modelB: texts[1], outcome: outcome))
        }
        return battles
    }
}
