import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import Testing

@Suite struct TooSmallTerminalTests {
    /// While "Terminal too small" is shown, keys do nothing to a pair no one can see; once
    /// the terminal is large enough they work again; q quits either way.
    @Test func keysWaitUntilThePairCanBeSeen() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        let session = try AnnotateSession(store: store, annotator: "ann")
        let first = try #require(session.state.pair?.item.id)
        let small = session.render(rows: 10, columns: 40)
        #expect(small.text.contains("Terminal too small: 40×10."))
        judge(session, overall: "7")
        session.handle(.character("s"))
        session.handle(.character("u"))
        #expect(session.state.pair?.item.id == first)
        #expect(session.state.preference == nil && session.state.entries.isEmpty)
        #expect(try liveJudgments(store, annotator: "ann") == [])
        #expect(try store.sqlitePool().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM item_events") } == 0)
        #expect(session.handle(.character("q")) == false)

        _ = session.render(rows: 30, columns: 100)
        judge(session, overall: "7")
        #expect(try liveJudgments(store, annotator: "ann") == [first])
    }

    @Test func theReviewScreenWaitsToo() throws {
        let directory = try TemporaryDirectory()
        let store = try ReviewSessionTests().contestedProject(directory)
        let session = try ReviewSession(store: store, lead: "lead")
        let onScreen = session.state.pair?.rowID
        #expect(onScreen != nil)
        _ = session.render(rows: 5, columns: 30)
        ReviewSessionTests().decide(session, reason: "1")
        session.handle(.character("s"))
        #expect(session.state.pair?.rowID == onScreen)
        #expect(try store.sqlitePool().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM adjudications") } == 0)
        _ = session.render(rows: 40, columns: 120)
        ReviewSessionTests().decide(session, reason: "1")
        #expect(try store.sqlitePool().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM adjudications") } == 1)
    }
}
