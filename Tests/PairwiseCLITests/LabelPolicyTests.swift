import Foundation
import GRDB
import PairwiseCore
import PairwiseModel
import PairwiseStore
import PairwiseTestSupport
@testable import PairwiseWorkflow
import Testing

/// Every consumer of labels over one project holding human, imported, simulated, gold,
/// retracted and adjudicated labels: each counts what `LabelPolicy` says, read here from
/// the database on its own (not through the code under test).
@Suite struct LabelPolicyTests {
    /// A current label as the database holds it.
    struct Label: Hashable {
        var item: String
        var annotator: String
        var origin: String
        var gold: Bool
        var adjudicated: Bool
        var key: String { item + "|" + annotator }
    }

    /// The mixed project: generated battles between three models labeled by an import, the
    /// real Arena battles (one made gold), a person's judgments in the TUI (one undone),
    /// simulated annotators alongside, and a lead's decision on an item simulated annotators judged.
    static func mixedProject() throws -> (directory: TemporaryDirectory, store: ProjectStore, retracted: String) {
        let directory = try TemporaryDirectory("pairwise-policy")
        try writeModelBattles(8, to: directory.path("items.jsonl"), prompt: { "question \($0): ¿qué modelo responde mejor?" },
                              answerSuffix: " — ünïcode", labeled: { $0 < 5 })
        let arena = Fixtures.realFormat("arena-battles.jsonl")
        try String(try String(contentsOfFile: arena, encoding: .utf8).split(separator: "\n")[0]).write(toFile: directory.path("gold.jsonl"), atomically: true, encoding: .utf8)
        for arguments in [["init"], ["import", "items.jsonl", "--labels-as", "src"], ["import", arena, "--labels-as", "arena"], ["gold", "add", "gold.jsonl"]] {
            let run = try pairwise(arguments, in: directory)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
        }
        let store = try ProjectStore.open(at: directory.path("pairwise.sqlite"))
        // A person in the TUI: b5, b6 and b7 judged, then b7 undone.
        let ann = try store.person("ann").id
        for id in ["b5", "b6", "b7"] {
            let row = try #require(try store.itemRowID(externalID: id))
            try store.submit(JudgmentDraft(strength: PreferenceStrength(id == "b6" ? 1 : -3)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 9000),
                             itemID: row, annotatorID: ann)
        }
        #expect(try store.undoLastLabel(annotatorID: ann)?.itemID == (try store.itemRowID(externalID: "b7")))
        let simulate = try pairwise(["simulate", "--annotators", "3", "--overlap", "2", "--noise", "0.2", "--seed", "3", "--alongside-human-judgments"], in: directory)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        // A lead settles b7, which only simulated annotators judged now.
        let lead = try #require(try store.annotators().first { $0.role == .lead })
        let b7 = try #require(try store.itemRowID(externalID: "b7"))
        try store.adjudicate(itemRowID: b7, leadID: try store.person(lead.name).id,
                             draft: JudgmentDraft(strength: PreferenceStrength(2)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 0),
                             reason: .other)
        return (directory, store, "b7|ann")
    }

    /// Every current label, read straight from the tables.
    static func inventory(_ directory: TemporaryDirectory) throws -> [Label] {
        let queue = try DatabaseQueue(path: directory.path("pairwise.sqlite"))
        return try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.external_id, p.name, j.origin, j.item_id IN (SELECT item_id FROM gold_answers) AS gold,
                       j.item_id IN (SELECT item_id FROM current_adjudications) AS adjudicated
                FROM current_judgments j JOIN items i ON i.id = j.item_id JOIN annotators p ON p.id = j.annotator_id
                """).map { Label(item: $0[0], annotator: $0[1], origin: $0[2], gold: $0[3], adjudicated: $0[4]) }
        }
    }

    static func counted(_ labels: [Label], _ policy: LabelPolicy) -> Set<String> {
        Set(labels.filter { policy.verdict(origin: $0.origin, onGoldItem: $0.gold, adjudicated: $0.adjudicated) == .counts }.map(\.key))
    }

    @Test func everyConsumerCountsWhatThePolicySays() throws {
        let (directory, store, retracted) = try Self.mixedProject()
        let labels = try Self.inventory(directory)
        // The project holds every kind of label the policy decides about.
        #expect(Set(labels.map(\.origin)) == ["import:jsonl", "import:arena", "tui", "simulate"])
        #expect(labels.contains { $0.gold } && labels.contains { $0.adjudicated && $0.origin == "simulate" })
        #expect(!labels.map(\.key).contains(retracted))

        // Judgment export: one line per counted label.
        let judgments = try pairwise(["export", "--format", "judgments"], in: directory)
        #expect(judgments.status == 0)
        let exported = Set(try judgments.stdout.split(separator: "\n").map { line -> String in
            let value = try JSONParser.parse(String(line))
            return (value["item_id"]?.stringValue ?? "") + "|" + (value["annotator"]?.stringValue ?? "")
        })
        let judgmentPolicy = LabelPolicy.for(.judgmentExport)
        #expect(exported == Self.counted(labels, judgmentPolicy))
        let simulatedOut = labels.filter { $0.origin == "simulate" && !$0.gold }.count, goldOut = labels.filter(\.gold).count
        #expect(simulatedOut > 0 && goldOut > 0)
        #expect(judgments.stderr == "left out \(simulatedOut) judgments by simulated annotators (--include-simulated counts them)\n"
                + "left out \(goldOut) judgment\(goldOut == 1 ? "" : "s") of gold items (--include-gold counts them)\n")

        // Training export: per item, the counted labels (the adjudicated item's simulated ones among them).
        let trl = try pairwise(["export", "--format", "trl"], in: directory)
        #expect(trl.status == 0)
        let trainingCounted = Self.counted(labels, .for(.trainingExport))
        var perItem: [String: Int] = [:]
        for key in trainingCounted { perItem[String(key.split(separator: "|")[0]), default: 0] += 1 }
        var sources: [String: String] = [:]
        for line in trl.stdout.split(separator: "\n") {
            let value = try JSONParser.parse(String(line))
            let id = value["id"]?.stringValue ?? ""
            #expect(value["judgments"]?.intValue == perItem[id], "\(id)")
            sources[id] = value["label_source"]?.stringValue
        }
        #expect(sources["b7"] == "adjudicated")
        #expect(trainingCounted.isSuperset(of: exported) && trainingCounted.subtracting(exported).allSatisfy { $0.hasPrefix("b7|") })

        // Leaderboard: the judgment exports' labels, one battle each (every item names two models).
        let board = try pairwise(["leaderboard", "--bootstrap", "0", "--json"], in: directory)
        #expect(board.status == 0)
        #expect(board.stderr.hasPrefix("left out \(simulatedOut) labels by simulated annotators (--include-simulated counts them)\n"
                                       + "left out \(goldOut) label\(goldOut == 1 ? "" : "s") of gold items (--include-gold counts them)\n"), "\(board.stderr)")
        let rows = try JSONParser.parse(board.stdout).arrayValue ?? []
        let battles = rows.reduce(0) { $0 + ($1["wins"]?.intValue ?? 0) + ($1["losses"]?.intValue ?? 0) + ($1["ties"]?.intValue ?? 0) }
        #expect(battles == 2 * exported.count)

        // stats, the stats screen and the trainer: everyone's labels but those of gold items.
        let agreement = Self.counted(labels, .for(.agreement))
        #expect(agreement == exported.union(labels.filter { $0.origin == "simulate" && !$0.gold }.map(\.key)))
        var byAnnotator: [String: Int] = [:]
        for key in agreement { byAnnotator[String(key.split(separator: "|")[1]), default: 0] += 1 }
        let stats = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)
        #expect(stats["judgments"]?.intValue == agreement.count)
        let statsAnnotators = Dictionary(uniqueKeysWithValues: (stats["annotators"]?.arrayValue ?? []).map {
            ($0["name"]?.stringValue ?? "", $0["judgments"]?.intValue ?? 0)
        })
        #expect(statsAnnotators == byAnnotator)
        let screen = try ProjectReports.assemble(store, for: .statsScreen)
        #expect(Dictionary(uniqueKeysWithValues: screen.statistics.annotators.map { ($0.name, $0.judgments) }) == byAnnotator)
        let training = try TrainingSet.read(store, featurizer: Featurizer(), embeddings: [:])
        // The trainer reads its columns unnamed: items by row id.
        let columns = training.columns
        #expect(columns.itemIDs.isEmpty && columns.itemCount > 0)
        let names = try store.itemIDs(rowIDs: columns.itemRowIDs)
        var trained: Set<String> = []
        for k in 0..<columns.itemCount {
            for i in columns.judgments(ofItem: k) { trained.insert(names[columns.itemRowIDs[k]]! + "|" + columns.annotatorNames[Int(columns.annotator[i])]) }
        }
        #expect(trained == Self.counted(labels, .for(.trainer)))
        // The adjudicated item trains on the lead's label: +2 is B better.
        let b7Row = try #require(try store.itemRowID(externalID: "b7"))
        let b7 = try #require(training.rowIDs.firstIndex(of: b7Row))
        #expect(training.pairOfItem[b7] >= 0)
    }

    @Test func askingForSimulatedAndGoldMakesEveryConsumerCountTheSameLabels() throws {
        let (directory, _, _) = try Self.mixedProject()
        let labels = try Self.inventory(directory)
        let everything = Set(labels.map(\.key))
        let judgments = try pairwise(["export", "--format", "judgments", "--include-simulated", "--include-gold"], in: directory)
        #expect(judgments.stderr == "")
        #expect(judgments.stdout.split(separator: "\n").count == everything.count)
        let board = try pairwise(["leaderboard", "--bootstrap", "0", "--json", "--include-simulated", "--include-gold"], in: directory)
        #expect(!board.stderr.contains("left out"))
        let rows = try JSONParser.parse(board.stdout).arrayValue ?? []
        #expect(rows.reduce(0) { $0 + ($1["wins"]?.intValue ?? 0) + ($1["losses"]?.intValue ?? 0) + ($1["ties"]?.intValue ?? 0) } == 2 * everything.count)
        // stats leaves out only gold items' labels, which it scores on their own.
        let stats = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)
        #expect(stats["judgments"]?.intValue == everything.count - labels.filter(\.gold).count)
    }
}
