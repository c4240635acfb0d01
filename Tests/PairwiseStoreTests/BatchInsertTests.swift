import Foundation
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite struct BatchInsertTests {
    /// Whatever the count of rows waiting (on SQLite they go as statements of a power of two
    /// rows, or a full statement), each goes in once, in order, with its own values.
    @Test func everyRowGoesInOnceInOrder() throws {
        let project = try TemporaryProject()
        try project.execute("CREATE TABLE scratch (n INTEGER NOT NULL, t TEXT NOT NULL)")
        var expected: [Int64] = []
        for count in [1, 2, 3, 7, 200, 255, 256, 257, 15_000, 15_001, 30_003] {
            let inserted = try project.store.write { sql in
                var insert = BatchInsert(sql, table: "scratch", columns: ["n", "t"])
                for n in 0..<count { try insert.add([.integer(Int64(count * 100_000 + n)), .text("r\(n)")]) }
                try insert.flush()
                return insert.inserted
            }
            #expect(inserted == count)
            expected += (0..<count).map { Int64(count * 100_000 + $0) }
        }
        #expect(try project.integers("SELECT n FROM scratch ORDER BY rowid") == expected)
        #expect(try project.count("scratch WHERE t <> 'r' || (n % 100000)") == 0)
    }
}
