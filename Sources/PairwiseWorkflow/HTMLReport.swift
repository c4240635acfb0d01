import Foundation
import PairwiseCore
import PairwiseStats
import PairwiseStore

/// The lead's report as one self-contained HTML page: inline CSS and SVG, no script, and a
/// content security policy that lets the page load nothing at all (it opens from disk and
/// travels as one attachment). Every number comes from the reports `stats --json` prints,
/// and each figure's element carries its numbers in `data-` attributes (`data-value` in
/// Swift's shortest round-trip form) so that a test can read them back.
public struct HTMLReport {
    public var title: String
    public var reports: ProjectReports
    public var pace: ProgressPace
    public var items: Int
    public var daily: [DailyLabels]
    public var steps: [NextStep]
    /// Each contested item's prompt, one line.
    public var prompts: [String: String]
    public var generatedAt: String

    public init(title: String, reports: ProjectReports, pace: ProgressPace, items: Int, daily: [DailyLabels], steps: [NextStep],
                prompts: [String: String], generatedAt: String) {
        (self.title, self.reports, self.pace, self.items, self.daily, self.steps, self.prompts, self.generatedAt) =
            (title, reports, pace, items, daily, steps, prompts, generatedAt)
    }

    /// Okabe–Ito: told apart with every common colour-vision deficiency, and in grey print.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]

    /// Text from the data, made safe for HTML: control characters out, markup escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in TerminalSafe.text(text, keepingLineBreaks: false).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func value(_ number: Double?) -> String { number.map { "\($0)" } ?? "" }
    static func shown(_ number: Double?, _ digits: Int = 2) -> String { number.map { String(format: "%.\(digits)f", $0) } ?? "—" }

    public func render() -> String {
        let s = reports.statistics
        var body = "<h1>\(Self.escape(title))</h1>\n<p class=\"meta\">\(Self.escape(generatedAt)) · \(s.judgments) judgments on \(items) items</p>\n"
        body += nextStepsSection() + progressSection() + throughputSection() + agreementSection() + agreementOverTimeSection()
        body += annotatorSection() + accuracySection() + driftSection()
        body += kappaSection() + strengthSection() + modelSection() + calibrationSection() + leaderboardSection() + rankedSection() + contestedSection()
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>
        body { font: 15px/1.45 system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #111; background: #fff; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.2em; border-bottom: 1px solid #999; margin-top: 2em; }
        .meta, .n { color: #444; font-size: 0.9em; }
        table { border-collapse: collapse; } td, th { padding: 0.2em 0.6em; text-align: right; border-bottom: 1px solid #ddd; }
        td:first-child, th:first-child { text-align: left; }
        code { background: #f2f2f2; padding: 0 0.2em; }
        svg text { font: 11px system-ui, sans-serif; fill: #111; }
        .interval { stroke: #0072B2; stroke-width: 2; } .gold { stroke: #E69F00; } .band { fill: #0072B2; fill-opacity: 0.18; }
        figure { margin: 1em 0; page-break-inside: avoid; }
        @media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
        </style></head>
        <body>
        \(body)</body></html>

        """
    }

    func nextStepsSection() -> String {
        let list = steps.map { step in
            "<li data-kind=\"\(step.kind.rawValue)\">\(Self.escape(step.text))" + (step.command.map { " — <code>\(Self.escape($0))</code>" } ?? "") + "</li>"
        }
        return "<h2>Next steps</h2>\n<figure data-figure=\"next-steps\"><ul>\n" + (list.isEmpty ? "<li>none</li>" : list.joined(separator: "\n")) + "\n</ul></figure>\n"
    }

    func progressSection() -> String {
        let done = max(0, items - pace.itemsNeedingLabels)
        let width = 600.0, filled = items == 0 ? 0 : width * Double(done) / Double(items)
        let eta = pace.daysLeft.map { String(format: "about %.1f days at this week's pace (%.1f labels a day)", $0, pace.labelsPerDay) }
            ?? "no labels in the past \(pace.days) days"
        return """
        <h2>Progress</h2>
        <figure data-figure="progress" data-items="\(items)" data-needing="\(pace.itemsNeedingLabels)" data-labels-needed="\(pace.labelsNeeded)" data-recent-labels="\(pace.recentLabels)">
        <svg width="\(Int(width))" height="28" role="img" aria-label="items done"><rect width="\(Int(width))" height="20" fill="#ddd"/>
        <rect width="\(filled)" height="20" fill="\(Self.palette[0])"/></svg>
        <figcaption>\(done) of \(items) items have their labels; \(pace.itemsNeedingLabels) need \(pace.labelsNeeded) more: \(eta). <span class="n">n = \(items) items</span></figcaption>
        </figure>

        """
    }

    func throughputSection() -> String {
        let days = Array(Set(daily.map(\.day))).sorted()
        let people = Array(Set(daily.map(\.annotator))).sorted()
        guard !days.isEmpty else { return "<h2>Throughput</h2>\n<figure data-figure=\"throughput\"><p>No labels made on the screen in the past 28 days.</p></figure>\n" }
        let totals = Dictionary(grouping: daily, by: \.day).mapValues { $0.reduce(0) { $0 + $1.labels } }
        let most = max(1, totals.values.max() ?? 1)
        let barWidth = max(8, min(40, 700 / days.count)), height = 160.0
        var bars = ""
        for (x, day) in days.enumerated() {
            var y = height
            for entry in daily where entry.day == day {
                let h = height * Double(entry.labels) / Double(most)
                y -= h
                let colour = Self.palette[(people.firstIndex(of: entry.annotator) ?? 0) % Self.palette.count]
                bars += "<rect x=\"\(x * barWidth + 40)\" y=\(quoted(y)) width=\"\(barWidth - 2)\" height=\(quoted(h)) fill=\"\(colour)\" data-day=\"\(entry.day)\" data-annotator=\"\(Self.escape(entry.annotator))\" data-value=\"\(entry.labels)\"><title>\(Self.escape(entry.annotator)) \(entry.day): \(entry.labels)</title></rect>\n"
            }
        }
        let legend = people.enumerated().map { i, name in
            "<span style=\"color:\(Self.palette[i % Self.palette.count])\">■</span> \(Self.escape(name))"
        }.joined(separator: " &nbsp; ")
        return """
        <h2>Throughput per day</h2>
        <figure data-figure="throughput">
        <svg width="\(days.count * barWidth + 60)" height="\(Int(height) + 30)" role="img" aria-label="labels per day">
        <text x="0" y="12">\(most)</text><text x="0" y="\(Int(height))">0</text>
        \(bars)<text x="40" y="\(Int(height) + 20)">\(days.first!)</text><text x="\(days.count * barWidth)" y="\(Int(height) + 20)" text-anchor="end">\(days.last!)</text>
        </svg>
        <figcaption>\(legend). <span class="n">n = \(daily.reduce(0) { $0 + $1.labels }) labels over \(days.count) days</span></figcaption>
        </figure>

        """
    }

    func quoted(_ number: Double) -> String { "\"" + String(format: "%.1f", number) + "\"" }

    func agreementSection() -> String {
        let s = reports.statistics
        func row(_ key: String, _ name: String, _ r: AgreementReport) -> String {
            let interval = r.alphaInterval.map { String(format: " (95%% interval %.2f…%.2f)", $0.low, $0.high) } ?? ""
            return "<tr data-key=\"\(key)\" data-value=\"\(Self.value(r.krippendorffAlpha))\" data-low=\"\(Self.value(r.alphaInterval?.low))\" data-high=\"\(Self.value(r.alphaInterval?.high))\"><td>\(name)</td><td>\(Self.shown(r.krippendorffAlpha))\(interval)</td>"
                + "<td>\(Self.shown(r.percentAgreement))</td><td>\(Self.shown(r.gwetAC1))</td><td class=\"n\">\(r.items) items, \(r.ratings) labels</td></tr>"
        }
        return """
        <h2>Agreement</h2>
        <figure data-figure="agreement"><table>
        <tr><th></th><th>Krippendorff's α</th><th>% agreement</th><th>Gwet's AC1</th><th>n</th></tr>
        \(row("direction", "direction (A / tie / B)", s.direction))
        \(row("strength-ordinal", "strength, ordinal", s.strengthOrdinal))
        \(row("strength-interval", "strength, interval", s.strengthInterval))
        </table><figcaption class="n">α's 95% interval: percentile, \(ProjectStatistics.resamples) bootstrap resamples of the items; n = \(s.direction.items) items</figcaption></figure>

        """
    }

    func annotatorSection() -> String {
        let s = reports.statistics
        let rows = s.annotators.map { a -> String in
            let bias = a.firstShownPreferred ?? 0.5
            // Position bias as a bar from the 0.5 line: left prefers the second shown, right the first.
            let bar = "<svg width=\"120\" height=\"14\"><rect x=\"0\" y=\"3\" width=\"120\" height=\"8\" fill=\"#eee\"/>"
                + "<rect x=\"\(String(format: "%.1f", min(60, 120 * bias)))\" y=\"3\" width=\"\(String(format: "%.1f", abs(120 * bias - 60)))\" height=\"8\" fill=\"\(Self.palette[3])\"/>"
                + "<line x1=\"60\" y1=\"0\" x2=\"60\" y2=\"14\" stroke=\"#000\"/></svg>"
            return "<tr data-annotator=\"\(Self.escape(a.name))\" data-judgments=\"\(a.judgments)\" data-consensus=\"\(Self.value(a.consensusAgreement))\" data-first-shown=\"\(Self.value(a.firstShownPreferred))\">"
                + "<td>\(Self.escape(a.name))</td><td>\(a.judgments)</td><td>\(Self.shown(a.consensusAgreement))</td><td>\(Self.shown(a.firstShownPreferred)) \(bar)</td>"
                + "<td>\(Self.shown(a.tieShare))</td><td>\(Self.shown(a.medianSeconds, 1))</td></tr>"
        }
        let quality = reports.quality.annotators.map { a -> String in
            "<tr data-annotator=\"\(Self.escape(a.name))\" data-gold-judged=\"\(a.gold.judged)\" data-gold-correct=\"\(a.gold.correct)\" data-drifting=\"\(a.drift.drifting)\">"
                + "<td>\(Self.escape(a.name))</td><td>\(a.gold.correct)/\(a.gold.judged)</td><td>\(a.drift.agreed)/\(a.drift.references)</td>"
                + "<td>\(Self.shown(a.drift.accuracy))</td><td>\(a.drift.drifting ? "drifting" : "")</td></tr>"
        }
        return """
        <h2>Annotators</h2>
        <figure data-figure="annotators"><table>
        <tr><th>name</th><th>judgments</th><th>agrees with majority</th><th>prefers first shown (0.5 = no bias)</th><th>ties</th><th>median s</th></tr>
        \(rows.joined(separator: "\n"))
        </table></figure>
        <figure data-figure="quality"><table>
        <tr><th>name</th><th>gold right</th><th>recent labels agreeing</th><th>estimated accuracy</th><th></th></tr>
        \(quality.joined(separator: "\n"))
        </table><figcaption class="n">gold: first answers to gold items; recent: the newest \(reports.quality.policy.window) labels against gold and settled answers</figcaption></figure>

        """
    }

    func kappaSection() -> String {
        let names = reports.statistics.kappa.keys.sorted()
        guard !names.isEmpty else { return "" }
        let cell = 36, left = 110
        var cells = ""
        for (i, a) in names.enumerated() {
            cells += "<text x=\"\(left - 4)\" y=\"\(i * cell + 40)\" text-anchor=\"end\">\(Self.escape(String(a.prefix(16))))</text>\n"
            for (j, b) in names.enumerated() {
                guard let kappa = reports.statistics.kappa[a]?[b] else { continue }
                // Blue for agreement, orange for worse than chance, paler toward 0.
                let strength = min(1, abs(kappa))
                let colour = kappa >= 0 ? "rgba(0,114,178,\(String(format: "%.2f", 0.15 + 0.85 * strength)))" : "rgba(213,94,0,\(String(format: "%.2f", 0.15 + 0.85 * strength)))"
                cells += "<rect x=\"\(left + j * cell)\" y=\"\(i * cell + 20)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" fill=\"\(colour)\" data-a=\"\(Self.escape(a))\" data-b=\"\(Self.escape(b))\" data-value=\"\(kappa)\"><title>\(Self.escape(a)) × \(Self.escape(b)): κ \(Self.shown(kappa))</title></rect>"
                cells += "<text x=\"\(left + j * cell + cell / 2 - 1)\" y=\"\(i * cell + 20 + cell / 2 + 3)\" text-anchor=\"middle\">\(Self.shown(kappa))</text>\n"
            }
        }
        return """
        <h2>Cohen's κ between annotators</h2>
        <figure data-figure="kappa"><svg width="\(left + names.count * cell + 10)" height="\(names.count * cell + 30)" role="img" aria-label="kappa matrix">
        \(cells)</svg><figcaption class="n">on the direction, over the items each two share; n = \(names.count) annotators</figcaption></figure>

        """
    }

    func strengthSection() -> String {
        let counts = reports.statistics.strengthCounts
        let most = max(1, counts.max() ?? 1)
        var bars = ""
        for (i, count) in counts.enumerated() {
            let h = 140.0 * Double(count) / Double(most)
            bars += "<rect x=\"\(30 + i * 50)\" y=\(quoted(150 - h)) width=\"40\" height=\(quoted(h)) fill=\"\(Self.palette[i < 3 ? 0 : i == 3 ? 7 : 1])\" data-key=\"\(i - 3)\" data-value=\"\(count)\"><title>\(i - 3): \(count)</title></rect>"
            bars += "<text x=\"\(50 + i * 50)\" y=\"168\" text-anchor=\"middle\">\(i - 3 > 0 ? "+\(i - 3)" : "\(i - 3)")</text>\n"
        }
        return """
        <h2>Preference strength</h2>
        <figure data-figure="strength"><svg width="400" height="180" role="img" aria-label="strength histogram">
        \(bars)</svg><figcaption class="n">−3 A much better … +3 B much better; n = \(counts.reduce(0, +)) judgments</figcaption></figure>

        """
    }

    func modelSection() -> String {
        guard let model = reports.model else { return "<h2>Reward model</h2>\n<figure data-figure=\"model\"><p>No model yet (pairwise train).</p></figure>\n" }
        let runs = model.history.filter { $0.heldOutPairs > 0 }.sorted { $0.pairs < $1.pairs }
        let widest = max(1, runs.map(\.pairs).max() ?? 1)
        func x(_ pairs: Int) -> Double { 40 + 500 * Double(pairs) / Double(widest) }
        func y(_ accuracy: Double) -> Double { 170 - 160 * accuracy }
        let points = runs.map { String(format: "%.1f,%.1f", x($0.pairs), y($0.accuracy)) }.joined(separator: " ")
        let dots = runs.map { r in
            "<circle cx=\(quoted(x(r.pairs))) cy=\(quoted(y(r.accuracy))) r=\"3\" fill=\"\(Self.palette[0])\" data-pairs=\"\(r.pairs)\" data-value=\"\(r.accuracy)\" data-held-out=\"\(r.heldOutPairs)\"><title>\(r.pairs) pairs: \(Self.shown(r.accuracy)) on \(r.heldOutPairs) held out</title></circle>"
        }.joined(separator: "\n")
        return """
        <h2>Reward model: learnability</h2>
        <figure data-figure="model" data-calibration-error="\(model.run.calibrationError)">
        <svg width="610" height="200" role="img" aria-label="held-out accuracy against labels">
        <line x1="40" y1=\(quoted(y(0.5))) x2="540" y2=\(quoted(y(0.5))) stroke="#888" stroke-dasharray="4 3"/><text x="545" y=\(quoted(y(0.5) + 4))>chance</text>
        <text x="0" y=\(quoted(y(1) + 4))>1.0</text><text x="0" y=\(quoted(y(0) + 4))>0.0</text>
        <polyline points="\(points)" fill="none" stroke="\(Self.palette[0])"/>
        \(dots)
        </svg><figcaption>held-out accuracy of each run against the pairs it was fitted on; calibration error of the newest \(Self.shown(model.run.calibrationError, 3)). <span class="n">n = \(runs.count) runs, newest on \(model.run.heldOutPairs) held-out pairs</span></figcaption></figure>

        """
    }

    func rankedSection() -> String {
        let r = reports.ranked
        guard r.items > 0 else { return "" }
        return """
        <h2>Ranked items</h2>
        <figure data-figure="ranked" data-items="\(r.items)" data-value="\(Self.value(r.meanKendallW))"><p>Kendall's W (mean over items) \(Self.shown(r.meanKendallW)); α on the ranks (ordinal) \(Self.shown(r.alphaOrdinal)). <span class="n">n = \(r.items) items, \(r.rankings) rankings</span></p></figure>

        """
    }

    func contestedSection() -> String {
        let items = reports.statistics.contested.prefix(20)
        guard !items.isEmpty else { return "" }
        let rows = items.map { item in
            "<tr data-item=\"\(Self.escape(item.itemID))\" data-value=\"\(item.directionAgreement)\" data-spread=\"\(item.strengthSpread)\"><td><code>\(Self.escape(item.itemID))</code></td>"
                + "<td>\(Self.shown(item.directionAgreement))</td><td>\(item.strengthSpread)</td><td>\(item.judgments)</td>"
                + "<td style=\"text-align:left\">\(Self.escape(String((prompts[item.itemID] ?? "").prefix(160))))</td>"
                + "<td><code>pairwise review</code>, then <code>:goto \(Self.escape(item.itemID))</code></td></tr>"
        }
        return """
        <h2>Most contested items</h2>
        <figure data-figure="contested"><table>
        <tr><th>item</th><th>direction agreement</th><th>strength spread</th><th>judgments</th><th style="text-align:left">prompt</th><th>open in review</th></tr>
        \(rows.joined(separator: "\n"))
        </table></figure>

        """
    }

    func formatted(_ number: Double) -> String { String(format: "%.1f", number) }

    /// A point with its interval as a horizontal whisker on a 0…1 scale `width` wide from `left`.
    func whisker(_ value: Double?, _ interval: (low: Double, high: Double)?, y: Double, left: Double, width: Double, className: String = "interval") -> String {
        guard let value else { return "" }
        let x = { (v: Double) in self.formatted(left + width * v) }
        var mark = ""
        if let interval { mark += "<line class=\"\(className)\" x1=\"\(x(interval.low))\" x2=\"\(x(interval.high))\" y1=\"\(formatted(y))\" y2=\"\(formatted(y))\"/>" }
        return mark + "<circle cx=\"\(x(value))\" cy=\"\(formatted(y))\" r=\"3.5\" fill=\"\(className == "gold" ? Self.palette[1] : Self.palette[0])\"/>"
    }

    /// Ticks at 0, 0.5 and 1 of a 0…1 axis, and a dashed line at `reference`.
    func axis(left: Double, width: Double, top: Double, bottom: Double, reference: Double? = nil) -> String {
        var marks = ""
        for v in [0.0, 0.5, 1.0] {
            marks += "<line x1=\"\(formatted(left + width * v))\" x2=\"\(formatted(left + width * v))\" y1=\"\(formatted(top))\" y2=\"\(formatted(bottom))\" stroke=\"#ddd\"/>"
            marks += "<text x=\"\(formatted(left + width * v))\" y=\"\(formatted(bottom + 12))\" text-anchor=\"middle\">\(Self.shown(v, 1))</text>"
        }
        if let reference {
            marks += "<line x1=\"\(formatted(left + width * reference))\" x2=\"\(formatted(left + width * reference))\" y1=\"\(formatted(top))\" y2=\"\(formatted(bottom))\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>"
        }
        return marks + "\n"
    }

    func agreementOverTimeSection() -> String {
        let weeks = (reports.dashboard?.agreementByWeek ?? []).filter { $0.alpha != nil }
        guard !weeks.isEmpty else { return "<h2>Agreement over time</h2>\n<figure data-figure=\"agreement-over-time\"><p>No item has two judgments yet.</p></figure>\n" }
        let step = weeks.count == 1 ? 0 : 520.0 / Double(weeks.count - 1)
        let x = { (n: Int) in 60 + step * Double(n) + (weeks.count == 1 ? 260 : 0) }
        // α from −0.2 to 1 on the axis (a value below is drawn at the bottom edge).
        let y = { (alpha: Double) in 170 - 150 * (max(-0.2, min(1, alpha)) + 0.2) / 1.2 }
        let upper = weeks.enumerated().map { "\(formatted(x($0.offset))),\(formatted(y($0.element.high ?? $0.element.alpha!)))" }
        let lower = weeks.enumerated().reversed().map { "\(formatted(x($0.offset))),\(formatted(y($0.element.low ?? $0.element.alpha!)))" }
        let line = weeks.enumerated().map { "\(formatted(x($0.offset))),\(formatted(y($0.element.alpha!)))" }.joined(separator: " ")
        let dots = weeks.enumerated().map { n, w in
            "<line class=\"interval\" x1=\"\(formatted(x(n)))\" x2=\"\(formatted(x(n)))\" y1=\"\(formatted(y(w.low ?? w.alpha!)))\" y2=\"\(formatted(y(w.high ?? w.alpha!)))\"/>"
            + "<circle cx=\"\(formatted(x(n)))\" cy=\"\(formatted(y(w.alpha!)))\" r=\"3\" fill=\"\(Self.palette[0])\" data-week=\"\(w.week)\" data-value=\"\(Self.value(w.alpha))\" data-low=\"\(Self.value(w.low))\" data-high=\"\(Self.value(w.high))\" data-items=\"\(w.items)\"><title>week of \(w.week): α \(Self.shown(w.alpha)) (\(Self.shown(w.low))…\(Self.shown(w.high))), \(w.items) items</title></circle>"
        }.joined(separator: "\n")
        var grid = ""
        for v in [0.0, 0.5, 1.0] { grid += "<line x1=\"60\" x2=\"590\" y1=\"\(formatted(y(v)))\" y2=\"\(formatted(y(v)))\" stroke=\"#ddd\"/><text x=\"30\" y=\"\(formatted(y(v) + 4))\">\(Self.shown(v, 1))</text>" }
        return """
        <h2>Agreement over time</h2>
        <figure data-figure="agreement-over-time">
        <svg width="620" height="200" role="img" aria-label="Krippendorff's alpha by week with a bootstrap band">
        \(grid)
        <polygon class="band" points="\((upper + lower).joined(separator: " "))"/>
        <polyline points="\(line)" fill="none" stroke="\(Self.palette[0])"/>
        \(dots)
        \(weeks.count == 1 ? "<text x=\"\(formatted(x(0)))\" y=\"192\" text-anchor=\"middle\">week of \(weeks[0].week)</text>" : "<text x=\"60\" y=\"192\">\(weeks.first!.week)</text><text x=\"590\" y=\"192\" text-anchor=\"end\">\(weeks.last!.week)</text>")
        </svg><figcaption>Krippendorff's α on the direction over the items completed each week (their latest judgment that week); the band is the 95% percentile interval of \(ProjectStatistics.resamples) bootstrap resamples of the week's items. <span class="n">n = \(weeks.reduce(0) { $0 + $1.items }) items over \(weeks.count) weeks</span></figcaption>
        </figure>

        """
    }

    func accuracySection() -> String {
        let people = reports.dashboard?.annotators ?? []
        guard !people.isEmpty else { return "" }
        let rowHeight = 22.0, left = 130.0, width = 240.0, gap = 60.0
        var marks = axis(left: left, width: width, top: 18, bottom: 24 + rowHeight * Double(people.count))
        marks += axis(left: left + width + gap, width: width, top: 18, bottom: 24 + rowHeight * Double(people.count), reference: 0.5)
        marks += "<text x=\"\(formatted(left))\" y=\"12\">accuracy: Dawid–Skene (blue), gold (orange)</text><text x=\"\(formatted(left + width + gap))\" y=\"12\">prefers the response shown first</text>\n"
        for (n, a) in people.enumerated() {
            let y = 32 + rowHeight * Double(n)
            let ds: (low: Double, high: Double)? = a.dawidSkeneLow.flatMap { low in a.dawidSkeneHigh.map { (low, $0) } }
            marks += "<g data-annotator=\"\(Self.escape(a.name))\" data-ds=\"\(Self.value(a.dawidSkene))\" data-ds-low=\"\(Self.value(a.dawidSkeneLow))\" data-ds-high=\"\(Self.value(a.dawidSkeneHigh))\" "
                + "data-gold-correct=\"\(a.gold.successes)\" data-gold-judged=\"\(a.gold.trials)\" data-first-shown-count=\"\(a.firstShown.successes)\" data-decisive=\"\(a.firstShown.trials)\">"
                + "<title>\(Self.escape(a.name)): Dawid–Skene \(Self.shown(a.dawidSkene)) on \(a.judgments) judgments; gold \(a.gold.successes)/\(a.gold.trials); first shown \(a.firstShown.successes)/\(a.firstShown.trials)</title>"
                + "<text x=\"\(formatted(left - 8))\" y=\"\(formatted(y + 4))\" text-anchor=\"end\">\(Self.escape(String(a.name.prefix(18))))</text>"
                + whisker(a.dawidSkene, ds, y: y - 4, left: left, width: width)
                + whisker(a.gold.share, a.gold.interval, y: y + 4, left: left, width: width, className: "gold")
                + whisker(a.firstShown.share, a.firstShown.interval, y: y, left: left + width + gap, width: width)
                + "</g>\n"
        }
        return """
        <h2>Annotator accuracy and position bias, with intervals</h2>
        <figure data-figure="accuracy">
        <svg width="\(Int(left + 2 * width + gap + 20))" height="\(Int(44 + rowHeight * Double(people.count)))" role="img" aria-label="annotator accuracy and position bias with 95% intervals">
        \(marks)</svg>
        <figcaption>Dawid–Skene: the chance of labelling a random item's direction right, with a Wilson 95% interval over the annotator's judgments; gold: first answers to gold items right, Wilson 95%; position bias: decisive judgments preferring the response shown first, Wilson 95% (dashed: no bias). <span class="n">n = \(people.count) annotators, \(people.reduce(0) { $0 + $1.judgments }) judgments, \(people.reduce(0) { $0 + $1.gold.trials }) gold answers</span></figcaption>
        </figure>

        """
    }

    func driftSection() -> String {
        let points = reports.dashboard?.drift ?? []
        guard !points.isEmpty else { return "" }
        let weeks = Array(Set(points.map(\.week))).sorted()
        let people = Array(Set(points.map(\.annotator))).sorted()
        let rowHeight = 44.0, left = 130.0, columnWidth = max(14.0, min(60.0, 480.0 / Double(weeks.count)))
        let plotWidth = max(120.0, columnWidth * Double(weeks.count))
        var marks = ""
        for (n, name) in people.enumerated() {
            let top = 10 + rowHeight * Double(n)
            let y = { (v: Double) in top + 36 - 32 * v }
            marks += "<text x=\"\(formatted(left - 8))\" y=\"\(formatted(top + 22))\" text-anchor=\"end\">\(Self.escape(String(name.prefix(18))))</text>"
            marks += "<line x1=\"\(formatted(left))\" x2=\"\(formatted(left + plotWidth))\" y1=\"\(formatted(y(0.5)))\" y2=\"\(formatted(y(0.5)))\" stroke=\"#ddd\"/>"
            for p in points where p.annotator == name {
                guard let share = p.agreement.share, let interval = p.agreement.interval, let column = weeks.firstIndex(of: p.week) else { continue }
                let x = left + columnWidth * (Double(column) + 0.5)
                let drifting = reports.quality.annotators.first { $0.name == name }?.drift.drifting == true && column == weeks.count - 1
                marks += "<g data-drift=\"\(Self.escape(name))\" data-week=\"\(p.week)\" data-value=\"\(share)\" data-n=\"\(p.agreement.trials)\">"
                    + "<title>\(Self.escape(name)), week of \(p.week): \(p.agreement.successes)/\(p.agreement.trials) agree with the others</title>"
                    + "<line class=\"interval\" x1=\"\(formatted(x))\" x2=\"\(formatted(x))\" y1=\"\(formatted(y(interval.low)))\" y2=\"\(formatted(y(interval.high)))\"/>"
                    + "<circle cx=\"\(formatted(x))\" cy=\"\(formatted(y(share)))\" r=\"3\" fill=\"\(drifting ? Self.palette[3] : Self.palette[0])\"/></g>"
            }
            marks += "\n"
        }
        let height = 20 + rowHeight * Double(people.count)
        return """
        <h2>Drift: agreement with the others, week by week</h2>
        <figure data-figure="drift">
        <svg width="\(Int(left + plotWidth + 20))" height="\(Int(height + 14))" role="img" aria-label="each annotator's weekly agreement with the others">
        \(marks)\(weeks.count == 1 ? "<text x=\"\(formatted(left))\" y=\"\(formatted(height + 10))\">week of \(weeks[0])</text>" : "<text x=\"\(formatted(left))\" y=\"\(formatted(height + 10))\">\(weeks.first!)</text><text x=\"\(formatted(left + columnWidth * Double(weeks.count)))\" y=\"\(formatted(height + 10))\" text-anchor=\"end\">\(weeks.last!)</text>")
        </svg>
        <figcaption>Each week, the annotator's judgments whose item's other judgments had a strict majority, and the share that agreed with it (0 to 1, grey line at 0.5), with a Wilson 95% interval; the newest point is vermilion for an annotator the drift check flags. <span class="n">n = \(points.reduce(0) { $0 + $1.agreement.trials }) judgments over \(weeks.count) weeks</span></figcaption>
        </figure>

        """
    }

    func calibrationSection() -> String {
        guard let run = reports.model?.run, !run.calibration.isEmpty else { return "" }
        let size = 200.0, left = 50.0, top = 10.0
        let x = { (v: Double) in left + size * (v - 0.5) / 0.5 }, y = { (v: Double) in top + size - size * v }
        var marks = "<line x1=\"\(formatted(x(0.5)))\" y1=\"\(formatted(y(0.5)))\" x2=\"\(formatted(x(1)))\" y2=\"\(formatted(y(1)))\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>"
        marks += "<text x=\"\(formatted(left))\" y=\"\(formatted(top + size + 14))\">0.5</text><text x=\"\(formatted(left + size))\" y=\"\(formatted(top + size + 14))\" text-anchor=\"end\">1.0</text>"
        marks += "<text x=\"\(formatted(left - 6))\" y=\"\(formatted(y(1) + 4))\" text-anchor=\"end\">1.0</text><text x=\"\(formatted(left - 6))\" y=\"\(formatted(y(0) + 4))\" text-anchor=\"end\">0.0</text>\n"
        for bin in run.calibration {
            let observed = Double(bin.correct) / Double(bin.pairs)
            let interval = Proportion(bin.correct, of: bin.pairs).interval!
            marks += "<g data-bin=\"\(bin.lower)\" data-confidence=\"\(bin.meanConfidence)\" data-value=\"\(observed)\" data-n=\"\(bin.pairs)\">"
                + "<title>predicted \(Self.shown(bin.meanConfidence)): right \(bin.correct) of \(bin.pairs)</title>"
                + "<line class=\"interval\" x1=\"\(formatted(x(bin.meanConfidence)))\" x2=\"\(formatted(x(bin.meanConfidence)))\" y1=\"\(formatted(y(interval.low)))\" y2=\"\(formatted(y(interval.high)))\"/>"
                + "<circle cx=\"\(formatted(x(bin.meanConfidence)))\" cy=\"\(formatted(y(observed)))\" r=\"\(formatted(2.5 + min(4, log10(Double(bin.pairs)))))\" fill=\"\(Self.palette[0])\"/></g>\n"
        }
        return """
        <h2>Reward model: calibration</h2>
        <figure data-figure="calibration" data-calibration-error="\(run.calibrationError)">
        <svg width="\(Int(left + size + 20))" height="\(Int(top + size + 24))" role="img" aria-label="reliability diagram">
        \(marks)</svg>
        <figcaption>The newest run's held-out pairs in bins of the predicted side's probability: the mean prediction (across) against the share the predicted side won (up), with a Wilson 95% interval; on the dashed line a model is calibrated. Expected calibration error \(Self.shown(run.calibrationError, 3)). <span class="n">n = \(run.heldOutPairs) held-out pairs in \(run.calibration.count) bins</span></figcaption>
        </figure>

        """
    }

    func leaderboardSection() -> String {
        guard let board = reports.leaderboard, !board.rows.isEmpty else { return "" }
        let thetas = board.rows.flatMap { [$0.theta, $0.ciLow ?? $0.theta, $0.ciHigh ?? $0.theta] }
        let (lowest, highest) = (thetas.min()!, thetas.max()!)
        let span = max(1e-9, highest - lowest), left = 170.0, width = 380.0, rowHeight = 22.0
        let x = { (v: Double) in left + width * (v - lowest) / span }
        var marks = ""
        for (n, row) in board.rows.enumerated() {
            let y = 16 + rowHeight * Double(n)
            marks += "<g data-model=\"\(Self.escape(row.model))\" data-value=\"\(row.theta)\" data-low=\"\(Self.value(row.ciLow))\" data-high=\"\(Self.value(row.ciHigh))\" data-battles=\"\(row.wins + row.losses + row.ties)\">"
                + "<title>\(Self.escape(row.model)): θ \(Self.shown(row.theta, 3)) (\(Self.shown(row.ciLow, 3))…\(Self.shown(row.ciHigh, 3))), \(row.wins) wins, \(row.losses) losses, \(row.ties) ties</title>"
                + "<text x=\"\(formatted(left - 8))\" y=\"\(formatted(y + 4))\" text-anchor=\"end\">\(Self.escape(String(row.model.prefix(24))))</text>"
            if let low = row.ciLow, let high = row.ciHigh {
                marks += "<line class=\"interval\" x1=\"\(formatted(x(low)))\" x2=\"\(formatted(x(high)))\" y1=\"\(formatted(y))\" y2=\"\(formatted(y))\"/>"
            }
            marks += "<circle cx=\"\(formatted(x(row.theta)))\" cy=\"\(formatted(y))\" r=\"3.5\" fill=\"\(Self.palette[0])\"/></g>\n"
        }
        let battles = board.rows.reduce(0) { $0 + $1.wins + $1.losses + $1.ties } / 2
        return """
        <h2>Leaderboard of the models that wrote the responses</h2>
        <figure data-figure="leaderboard">
        <svg width="\(Int(left + width + 20))" height="\(Int(24 + rowHeight * Double(board.rows.count)))" role="img" aria-label="Bradley–Terry strengths with 95% intervals">
        \(marks)</svg>
        <figcaption>Bradley–Terry strength θ (centred; Elo = 1000 + 400·θ / ln 10), strongest first, with the 95% percentile interval of \(ProjectReports.leaderboardResamples) bootstrap resamples of the battles; labels by simulated annotators and of gold items left out. <span class="n">n = \(battles) battles, \(board.rows.count) models</span></figcaption>
        </figure>

        """
    }
}
