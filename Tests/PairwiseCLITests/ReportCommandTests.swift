import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

/// `pairwise report`: the numbers on the page are `stats --json`'s, data from the project
/// cannot run or break out of the page, and a real browser draws it offline.
@Suite struct ReportCommandTests {
    /// Sample pairs judged by four simulated annotators, one hostile prompt among them contested.
    static func project() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("pairwise-report")
        #expect(try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory).status == 0)
        #expect(try pairwise(["import", Fixtures.sampleItems], in: directory).status == 0)
        #expect(try pairwise(["simulate", "--annotators", "4", "--overlap", "3", "--noise", "0.3", "--seed", "7"], in: directory).status == 0)
        let hostile = #"{"id": "x<b>1</b>", "prompt": "<script>alert(1)</script></svg></table>\u001b[31mred\u001b]0;title\u0007 & 'quotes' \"too\"", "response_a": "a", "response_b": "b"}"#
        let labels = [#"{"id": "x<b>1</b>", "prompt": "<script>alert(1)</script></svg></table>\u001b[31mred\u001b]0;title\u0007 & 'quotes' \"too\"", "response_1": "a", "response_2": "b", "preference_strength": -3}"#,
                      #"{"id": "x<b>1</b>", "prompt": "<script>alert(1)</script></svg></table>\u001b[31mred\u001b]0;title\u0007 & 'quotes' \"too\"", "response_1": "a", "response_2": "b", "preference_strength": 3}"#]
        try hostile.write(toFile: directory.path("hostile.jsonl"), atomically: true, encoding: .utf8)
        #expect(try pairwise(["import", "hostile.jsonl"], in: directory).status == 0)
        for (name, line) in zip(["sim1", "sim2"], labels) {
            try line.write(toFile: directory.path("\(name).jsonl"), atomically: true, encoding: .utf8)
            #expect(try pairwise(["import", "\(name).jsonl", "--labels-as", name, "--on-conflict", "skip"], in: directory).status == 0)
        }
        // Real Arena battles, labelled by people: the models' leaderboard.
        #expect(try pairwise(["import", Fixtures.realFormat("arena-battles.jsonl"), "--labels-as", "arena"], in: directory).status == 0)
        return directory
    }

    /// `attribute="value"` pairs of every element carrying `data-`.
    static func elements(_ html: String, with attribute: String) -> [[String: String]] {
        let tag = try! NSRegularExpression(pattern: "<[a-z]+ [^>]*\(attribute)=\"[^\"]*\"[^>]*>")
        let pair = try! NSRegularExpression(pattern: "([a-z-]+)=\"([^\"]*)\"")
        return tag.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
            let text = String(html[Range(match.range, in: html)!])
            var attributes: [String: String] = [:]
            for p in pair.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                attributes[String(text[Range(p.range(at: 1), in: text)!])] = String(text[Range(p.range(at: 2), in: text)!])
            }
            return attributes
        }
    }

    @Test func theNumbersAreStatsJSONs() throws {
        let directory = try Self.project()
        #expect(try pairwise(["train"], in: directory).status == 0)
        #expect(try pairwise(["report", "--out", "report.html"], in: directory).stdout.hasPrefix("wrote report.html"))
        let html = try String(contentsOfFile: directory.path("report.html"), encoding: .utf8)
        let stats = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)
        // Agreement.
        let agreement = Dictionary(uniqueKeysWithValues: Self.elements(html, with: "data-key").compactMap { e in e["data-value"].map { (e["data-key"]!, $0) } })
        #expect(Double(agreement["direction"]!) == stats["direction"]?["krippendorff_alpha"]?.doubleValue)
        let directionRow = try #require(Self.elements(html, with: "data-key").first { $0["data-key"] == "direction" })
        #expect(Double(directionRow["data-low"]!) == stats["direction"]?["krippendorff_alpha_low"]?.doubleValue)
        #expect(Double(directionRow["data-high"]!) == stats["direction"]?["krippendorff_alpha_high"]?.doubleValue)
        #expect(stats["direction"]?["krippendorff_alpha_low"]?.doubleValue ?? 1 < stats["direction"]?["krippendorff_alpha"]?.doubleValue ?? 0)
        #expect(Double(agreement["strength-ordinal"]!) == stats["strength"]?["ordinal"]?["krippendorff_alpha"]?.doubleValue)
        #expect(Double(agreement["strength-interval"]!) == stats["strength"]?["interval"]?["krippendorff_alpha"]?.doubleValue)
        // The strength histogram.
        for level in -3...3 {
            #expect(Int(agreement[String(level)]!) == stats["strength_distribution"]?[String(level)]?.intValue)
        }
        // Every annotator's figures, and every κ.
        let annotators = Self.elements(html, with: "data-judgments")
        let listed = stats["annotators"]?.arrayValue ?? []
        #expect(annotators.count == listed.count && listed.count == 5)
        for (row, a) in zip(annotators, listed) {
            #expect(row["data-annotator"] == a["name"]?.stringValue)
            #expect(Int(row["data-judgments"]!) == a["judgments"]?.intValue)
            #expect(Double(row["data-consensus"]!) == a["consensus_agreement"]?.doubleValue)
            #expect(Double(row["data-first-shown"]!) == a["first_shown_preferred"]?.doubleValue)
        }
        let kappas = Self.elements(html, with: "data-a")
        #expect(kappas.count == 12)
        for cell in kappas { #expect(Double(cell["data-value"]!) == stats["kappa"]?[cell["data-a"]!]?[cell["data-b"]!]?.doubleValue) }
        // The model's newest run.
        let runs = Self.elements(html, with: "data-pairs")
        #expect(Double(runs.last?["data-value"] ?? "") == stats["model"]?["accuracy"]?.doubleValue)
        #expect(Int(runs.last?["data-pairs"] ?? "") == stats["model"]?["pairs"]?.intValue)
        // Agreement by week with its band, accuracy and position bias with intervals, the drift timeline.
        let dashboard = try #require(stats["dashboard"])
        let weeks = Self.elements(html, with: "data-week").filter { $0["data-items"] != nil }
        let listedWeeks = (dashboard["agreement_by_week"]?.arrayValue ?? []).filter { $0["krippendorff_alpha"]?.doubleValue != nil }
        #expect(weeks.count == listedWeeks.count && !weeks.isEmpty)
        for (point, week) in zip(weeks, listedWeeks) {
            #expect(point["data-week"] == week["week"]?.stringValue)
            #expect(Double(point["data-value"]!) == week["krippendorff_alpha"]?.doubleValue)
            #expect(Double(point["data-low"]!) == week["low"]?.doubleValue && Double(point["data-high"]!) == week["high"]?.doubleValue)
            #expect(Int(point["data-items"]!) == week["items"]?.intValue)
        }
        let accuracy = Self.elements(html, with: "data-ds")
        let listedAccuracy = dashboard["annotators"]?.arrayValue ?? []
        #expect(accuracy.count == listedAccuracy.count && accuracy.count == 5)
        for (row, a) in zip(accuracy, listedAccuracy) {
            #expect(row["data-annotator"] == a["name"]?.stringValue)
            #expect(Double(row["data-ds"]!) == a["dawid_skene_accuracy"]?.doubleValue)
            #expect(Double(row["data-ds-low"]!) == a["dawid_skene_low"]?.doubleValue && Double(row["data-ds-high"]!) == a["dawid_skene_high"]?.doubleValue)
            #expect(Int(row["data-gold-judged"]!) == a["gold"]?["trials"]?.intValue && Int(row["data-gold-correct"]!) == a["gold"]?["successes"]?.intValue)
            #expect(Int(row["data-decisive"]!) == a["first_shown_preferred"]?["trials"]?.intValue)
        }
        let drift = Self.elements(html, with: "data-drift")
        let listedDrift = dashboard["drift"]?.arrayValue ?? []
        #expect(drift.count == listedDrift.count && !drift.isEmpty)
        for (point, d) in zip(drift, listedDrift) {
            #expect(point["data-drift"] == d["annotator"]?.stringValue && point["data-week"] == d["week"]?.stringValue)
            #expect(Double(point["data-value"]!) == d["agreement_with_others"]?["share"]?.doubleValue)
            #expect(Int(point["data-n"]!) == d["agreement_with_others"]?["trials"]?.intValue)
        }
        // The model's calibration and the models' leaderboard.
        let bins = Self.elements(html, with: "data-bin")
        let listedBins = stats["model"]?["calibration"]?.arrayValue ?? []
        #expect(bins.count == listedBins.count && !bins.isEmpty)
        for (bin, b) in zip(bins, listedBins) {
            #expect(Double(bin["data-confidence"]!) == b["mean_confidence"]?.doubleValue && Int(bin["data-n"]!) == b["pairs"]?.intValue)
            #expect(Double(bin["data-value"]!) == Double(b["correct"]!.intValue!) / Double(b["pairs"]!.intValue!))
        }
        let models = Self.elements(html, with: "data-model")
        let listedModels = stats["leaderboard"]?["rows"]?.arrayValue ?? []
        #expect(models.count == listedModels.count && models.count >= 2)
        for (row, m) in zip(models, listedModels) {
            #expect(row["data-model"] == m["model"]?.stringValue && Double(row["data-value"]!) == m["theta"]?.doubleValue)
            #expect(Double(row["data-low"]!) == m["ci_low"]?.doubleValue && Double(row["data-high"]!) == m["ci_high"]?.doubleValue)
        }
        // The next steps are stats' too.
        let steps = Self.elements(html, with: "data-kind").map { $0["data-kind"]! }
        #expect(steps == (stats["next_steps"]?.arrayValue ?? []).map { $0["kind"]?.stringValue ?? "" })
    }

    @Test func dataFromTheProjectIsTextOnThePage() throws {
        let directory = try Self.project()
        #expect(try pairwise(["report", "--out", "report.html"], in: directory).status == 0)
        let html = try String(contentsOfFile: directory.path("report.html"), encoding: .utf8)
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("\u{1B}") && !html.contains("\u{07}"))
        #expect(html.components(separatedBy: "</svg>").count == html.components(separatedBy: "<svg ").count)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;&lt;/table&gt;"))
        #expect(html.contains("<code>:goto x&lt;b&gt;1&lt;/b&gt;</code>"))
        // Nothing to load from anywhere, and a policy that would refuse it.
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"))
        for reference in ["src=", "href=", "url(", "@import", "http://", "https://"] { #expect(!html.contains(reference), "\(reference)") }
        // Annotators may not see it.
        #expect(try pairwise(["report", "--out", "mine.html"], in: directory, environment: ["USER": "sim1"]).status == 77)
        #expect(!FileManager.default.fileExists(atPath: directory.path("mine.html")))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
    func aBrowserDrawsItOffline() throws {
        let directory = try Self.project()
        #expect(try pairwise(["train"], in: directory).status == 0)
        #expect(try pairwise(["report", "--out", "report.html"], in: directory).status == 0)
        let page = "file://" + directory.path("report.html")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--no-first-run", "--user-data-dir=" + directory.path("chromium")]
        let dom = try command("/usr/bin/chromium", flags + ["--dump-dom", page], in: directory.url, environment: ["HOME": directory.url.path])
        let figures = Set(Self.elements(dom.stdout, with: "data-figure").map { $0["data-figure"]! })
        #expect(figures == ["next-steps", "progress", "throughput", "agreement", "agreement-over-time", "annotators", "accuracy", "drift", "quality",
                            "kappa", "strength", "model", "calibration", "leaderboard", "contested"])
        #expect(!dom.stdout.contains("<script"))
        let shot = directory.path("report.png")
        let run = try command("/usr/bin/chromium", flags + ["--window-size=1280,2400", "--screenshot=" + shot, page], in: directory.url,
                              environment: ["HOME": directory.url.path])
        #expect(run.status == 0, "\(run.stderr)")
        // A blank 1280×2400 page compresses to a few kilobytes; this one has charts and tables.
        let size = (try FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
        #expect(size > 60_000, "screenshot of \(size) bytes")
    }
}
