import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore

extension ExportFormat: ExpressibleByArgument {}
extension RankedPairPolicy: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export labeled data for training, or the raw judgments.",
        discussion: Help.text("""
            Formats: trl (prompt/chosen/rejected/margin), hh-rlhf (chosen/rejected transcripts),
            helpsteer2 (prompt/response_1/response_2/preference_strength), judgments (one line
            per judgment), csv (judgments, one column per rubric value), ranked (ranked items:
            prompt, responses best first), rankings (one line per ranking of a ranked item, as
            the ranked jsonl import reads). Schemas are in schemas/.

            An item's label: a lead's adjudication when there is one; otherwise the mean strength
            of each annotator's latest judgment. trl and hh-rlhf leave out ties; margin is the
            mean strength toward the chosen response. Each item also says how its label came
            about: label_source (unanimous, majority, adjudicated or single), judgments, agreement
            (share of agreeing pairs of judgments on the direction) and model_margin (the newest
            reward model's r(chosen) − r(rejected); for helpsteer2 r(response_2) − r(response_1)).
            judgments, csv and rankings, and --annotator, name annotators: leads only.

            Ranked items (three to nine responses): their rankings are taken together by Borda
            count (a response scores the share of the others ranked below it, averaged over
            annotators). ranked writes each with its responses best first, rank, score and rubric
            values (the annotators' mean). rankings writes each annotator's ranking with its
            rubric values and note, the responses in stored order. trl
            writes pairs of them, by --ranked-pairs: best-vs-random (default; the best against
            one response drawn from those below it, seeded by the item, as
            ultrafeedback_binarized), best-vs-rest, or all (every ordered pair); margin is 3 x
            the difference of the two scores. The other formats leave ranked items out and say so.

            Example:
              pairwise export --format trl --min-annotators 2 --out train.jsonl
              pairwise export --format trl --exclude-suspects --split train=0.9,test=0.1 --seed 7 --out data/
            """)
    )

    @OptionGroup var project: ProjectOptions

    @Option(help: ArgumentHelp("trl, hh-rlhf, helpsteer2, judgments, csv, ranked or rankings.", valueName: "format"))
    var format: ExportFormat

    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var out: String?

    @Flag(help: "Replace the --out file (or the --split files) when it exists already.")
    var force = false

    @Option(name: .customLong("min-annotators"), help: "Only items judged by at least this many annotators.")
    var minAnnotators: Int = 1

    @Flag(name: .customLong("exclude-both-bad"), help: "Leave out items (or judgments) that say both responses are bad.")
    var excludeBothBad = false

    @Option(help: ArgumentHelp("Only this annotator's judgments (leads only).", valueName: "name"))
    var annotator: String?

    @Option(help: ArgumentHelp("Only labels that are adjudicated (a lead decided) or agreed (2+ judgments, same direction).", valueName: "adjudicated|agreed"))
    var only: ExportFilter.Only?

    @Option(name: .customLong("min-agreement"), help: ArgumentHelp("Only items whose judgments agree at least this much on the direction (share of agreeing pairs, 0…1); adjudicated items pass.", valueName: "x"))
    var minAgreement: Double?

    @Flag(name: .customLong("exclude-suspects"), help: "Leave out items with a label the newest reward model confidently contradicts (unless adjudicated).")
    var excludeSuspects = false

    @Option(help: ArgumentHelp("Split by prompt into named parts, e.g. train=0.9,test=0.1; needs --out DIR.", valueName: "name=fraction,..."))
    var split: String?

    @Option(help: "Seed for --split.")
    var seed: UInt64 = 0

    @Flag(help: "Write only the format's own fields, without label_source, judgments, agreement and model_margin.")
    var plain = false

    @Flag(name: .customLong("include-simulated"), help: "Count judgments by simulated annotators too (left out unless asked).")
    var includeSimulated = false

    @Flag(name: .customLong("include-gold"), help: "Count judgments of gold items too (left out unless asked).")
    var includeGold = false

    @Option(name: .customLong("ranked-pairs"),
            help: ArgumentHelp("trl: the pairs a ranked item gives (see above).", valueName: "best-vs-random|best-vs-rest|all"))
    var rankedPairs: RankedPairPolicy = .bestVsRandom

    func validate() throws {
        guard minAnnotators >= 1 else { throw ValidationError("--min-annotators must be 1 or more") }
        if let minAgreement, !(0...1).contains(minAgreement) { throw ValidationError("--min-agreement must be between 0 and 1") }
        if !format.isPerItem && (only != nil || minAgreement != nil || excludeSuspects || split != nil) {
            throw ValidationError("--only, --min-agreement, --exclude-suspects and --split apply to trl, hh-rlhf and helpsteer2")
        }
        if split != nil && out == nil { throw ValidationError("--split needs --out DIR: the folder that gets one file per split") }
    }

    func run() throws {
        try reportingFailures {
            let store = try project.openForReading()
            if !format.isPerItem || annotator != nil {
                try Identity.requireLead(store, "per-annotator labels (judgments, csv, rankings, --annotator; trl, hh-rlhf, helpsteer2 and ranked are open to everyone)")
            }
            var filter = ExportFilter(minAnnotators: minAnnotators, excludeBothBad: excludeBothBad, annotator: annotator, only: only,
                                      minAgreement: minAgreement, provenance: !plain, includeSimulated: includeSimulated,
                                      includeGold: includeGold)
            filter.rankedPairs = rankedPairs
            if excludeSuspects {
                guard let report = try store.modelReport() else {
                    throw UsageError(message: "--exclude-suspects needs a reward model: run pairwise train first")
                }
                filter.excludedItems = report.suspectItems
            }
            if let split, let out {
                let parts: PromptSplit
                do throws(FieldError) { parts = try PromptSplit(parsing: split, seed: seed) } catch {
                    throw UsageError(message: "\(error.field): \(error.message)")
                }
                try writeSplit(store: store, filter: filter, parts: parts, directory: out)
                return
            }
            let sink = try OutputSink(path: out, force: force, protected: Self.projectFiles(store))
            do {
                let summary = try store.export(format: format, filter: filter, into: sink)
                try sink.finish()
                if let out { printError("wrote \(summary.written) \(format.isPerItem ? "items" : format == .rankings ? "rankings" : "judgments") to \(out)") }
                for notice in summary.notices { printError(notice) }
            } catch {
                sink.abandon()
                throw error
            }
        }
    }

    /// The project's own files, which an export never overwrites (none for PostgreSQL).
    static func projectFiles(_ store: ProjectStore) -> [String] {
        store.dialect == .sqlite ? ["", "-wal", "-shm"].map { store.path + $0 } : []
    }

    /// One file per split in `directory`, all written or none.
    func writeSplit(store: ProjectStore, filter: ExportFilter, parts: PromptSplit, directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let sinks = try parts.names.map {
            try OutputSink(path: (directory as NSString).appendingPathComponent("\($0).jsonl"), force: force, protected: Self.projectFiles(store))
        }
        var counts = Array(repeating: 0, count: sinks.count)
        var summary = ExportSummary()
        do {
            summary = try store.export(format: format, filter: filter) { line, prompt in
                let k = prompt.map { parts.split(for: $0) } ?? 0
                try sinks[k].writeLine(line)
                counts[k] += 1
            }
            for sink in sinks { try sink.finish() }
        } catch {
            for sink in sinks { sink.abandon() }
            throw error
        }
        for notice in summary.notices { printError(notice) }
        printError("wrote " + zip(parts.names, counts).map { "\($1) items to \((directory as NSString).appendingPathComponent("\($0).jsonl"))" }.joined(separator: ", "))
    }
}

extension ExportFilter.Only: ExpressibleByArgument {}
