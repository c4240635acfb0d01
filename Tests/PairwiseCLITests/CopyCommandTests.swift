import Foundation
import PairwiseTestSupport
import Testing

@Suite struct CopyCommandTests {
    /// `pairwise copy` to PostgreSQL and back: the exports are the same at every hop.
    @Test func copyToPostgreSQLAndBackKeepsTheExports() throws {
        let directory = try sampleProjectDirectory()
        #expect(try pairwise(["simulate", "--annotators", "3", "--share", "0.5", "--seed", "2"], in: directory).status == 0)
        let formats = [["--format", "judgments"], ["--format", "trl"], ["--format", "csv"]].map { $0 + ["--include-simulated"] }
        func exports(_ db: String) throws -> [String] {
            try formats.map { format in
                let run = try pairwise(["export", "--db", db] + format, in: directory.url)
                #expect(run.status == 0, "\(run.stderr)")
                return run.stdout
            }
        }
        let original = try exports("pairwise.sqlite")
        #expect(original[0].split(separator: "\n").count == 93)
        var from = "pairwise.sqlite"
        var hops = ["back.sqlite"]
        let database = TestPostgres.isAvailable ? try TestPostgres.freshDatabase() : nil
        defer { database.map(TestPostgres.dropDatabase) }
        if let database { hops.insert(database, at: 0) }
        for hop in hops {
            let run = try pairwise(["copy", "--from", from, "--to", hop], in: directory.url)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("62 items, 93 judgments, 0 judgment retractions, 0 adjudications, 0 model runs"), "\(run.stdout)")
            #expect(!run.stdout.contains("secret") && !run.stdout.contains(":" + (hop.split(separator: ":").dropFirst(2).first ?? "") + "@"))
            // The copy keeps the people (its lead is still tester); on PostgreSQL the database's
            // owner may do what a lead does.
            let copied = try exports(hop)
            #expect(copied == original, "exports differ after copying to \(hop)")
            from = hop
        }
        // Into a file that exists: refused, the file untouched.
        let refused = try pairwise(["copy", "--from", "pairwise.sqlite", "--to", "back.sqlite"], in: directory.url)
        #expect(refused.status == 73)
        #expect(refused.stderr == "pairwise: error: back.sqlite already exists; pass --db PATH to make another project\n")
    }
}
