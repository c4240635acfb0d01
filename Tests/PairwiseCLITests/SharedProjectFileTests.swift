import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import Testing

/// A project file open in one process while other processes come and go: what one commits,
/// the others read, whatever the process opened meanwhile.
@Suite struct SharedProjectFileTests {
    /// SQLite's locks on a file belong to the process, and closing any descriptor of the file
    /// drops them all: a second open that read the file's header through a descriptor of its
    /// own (as `remote-session` opening the project, then `annotate` opening it again, did)
    /// left the first without its lock. Another process closing the project then took itself
    /// for the last one, checkpointed and deleted the write-ahead log, and every later commit
    /// of the first went into the deleted log: lost at exit (a dropped SSH session's release).
    @Test func aSecondOpenInOneProcessKeepsWhatTheFirstCommitsAfterOthersCloseTheProject() throws {
        let directory = try TemporaryDirectory("pairwise-shared")
        #expect(try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory.url).status == 0)
        let path = directory.path("pairwise.sqlite")
        let names = "after\tannotator\nbefore\tannotator\nlater\tannotator\nother\tannotator\ntester\tlead\n"
        do {
            let first = try ProjectStore.open(at: path)
            #expect(try first.addAnnotator("before", role: .annotator))
            let second = try ProjectStore.open(at: path)
            #expect(try second.annotators().map(\.name) == ["before", "tester"])
            // Another process opens the project to write and closes it while this one has it open.
            #expect(try pairwise(["annotators", "add", "other"], in: directory.url).status == 0)
            #expect(try first.addAnnotator("after", role: .annotator))
            #expect(try second.addAnnotator("later", role: .annotator))
            // What this process committed is what any other process reads, now ...
            #expect(try pairwise(["annotators", "list"], in: directory.url).stdout == names)
        }
        // ... and once it has closed the project (both stores released at the end of `do`).
        #expect(try pairwise(["annotators", "list"], in: directory.url).stdout == names)
    }

}
