import Foundation
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite struct ItemLeaseTests {
    let draft = JudgmentDraft(strength: PreferenceStrength(-1)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 1000)

    func project(_ kind: StoreKind) throws -> (TemporaryProject, item: Int64, people: [Int64]) {
        let project = try TemporaryProject(on: kind)
        let path = try project.file("one.jsonl", #"{"id": "x", "prompt": "p", "response_a": "a", "response_b": "b"}"#)
        _ = try project.store.importFiles([path], options: ImportOptions())
        let item = try #require(try project.store.itemRowID(externalID: "x"))
        let people = try ["ann", "bo", "cy"].map { try project.store.person($0).id }
        return (project, item, people)
    }

    @Test(arguments: StoreKind.available)
    func anItemOnScreenTakesAPlaceUntilJudgedReleasedOrExpired(_ kind: StoreKind) throws {
        let (project, item, people) = try project(kind)
        let store = project.store
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try store.claim(itemID: item, annotatorID: people[0], overlap: 1, now: t0))
        // Full while ann has it on screen; claiming again is ann's own renewal.
        #expect(try !store.claim(itemID: item, annotatorID: people[1], overlap: 1, now: t0))
        #expect(try store.claim(itemID: item, annotatorID: people[0], overlap: 1, now: t0))
        // With overlap 2 a second person fits, a third does not.
        #expect(try store.claim(itemID: item, annotatorID: people[1], overlap: 2, now: t0))
        #expect(try !store.claim(itemID: item, annotatorID: people[2], overlap: 2, now: t0))
        // Judging keeps the place (the judgment holds it); releasing frees one.
        try store.submit(draft, itemID: item, annotatorID: people[0])
        try store.releaseLeases(annotatorID: people[1])
        #expect(try !store.claim(itemID: item, annotatorID: people[0], overlap: 2, now: t0))
        #expect(try store.claim(itemID: item, annotatorID: people[2], overlap: 2, now: t0))
        #expect(try !store.claim(itemID: item, annotatorID: people[1], overlap: 2, now: t0))
        // A lease not renewed expires: a crashed session gives its place back.
        let later = t0.addingTimeInterval(ProjectStore.leaseSeconds + 1)
        #expect(try store.claim(itemID: item, annotatorID: people[1], overlap: 2, now: later))
        // Renewed, it lasts.
        try store.renewLease(itemID: item, annotatorID: people[1], now: later)
        #expect(try !store.claim(itemID: item, annotatorID: people[2], overlap: 2, now: later.addingTimeInterval(ProjectStore.leaseSeconds - 1)))
        // Asked for by id, a full item is refused to an annotator who never judged it, and
        // given to a lead (who may go past the overlap).
        #expect(try !store.claim(itemID: item, annotatorID: people[2], overlap: 2, force: true, now: later))
        try store.addAnnotator("cy", role: .lead)
        #expect(try store.claim(itemID: item, annotatorID: people[2], overlap: 2, force: true, now: later))
    }

    @Test(arguments: StoreKind.available)
    func aSubmitReservesTheNextItemInTheSameCommitWhenThereIsRoom(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let path = try project.file("two.jsonl", """
            {"id": "x", "prompt": "p", "response_a": "a", "response_b": "b"}
            {"id": "y", "prompt": "q", "response_a": "c", "response_b": "d"}
            """)
        _ = try project.store.importFiles([path], options: ImportOptions())
        let store = project.store
        let x = try #require(try store.itemRowID(externalID: "x")), y = try #require(try store.itemRowID(externalID: "y"))
        let ann = try store.person("ann").id, bo = try store.person("bo").id
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try store.claim(itemID: x, annotatorID: ann, overlap: 1, now: t0))
        #expect(try store.claim(itemID: y, annotatorID: bo, overlap: 1, now: t0))
        // y is full (bo has it on screen): ann's judgment of x is saved, y not reserved.
        let first = try store.submit(draft, itemID: x, annotatorID: ann, claimingNext: y, overlap: 1, at: t0)
        #expect(!first.claimedNext)
        #expect(try store.currentJudgments().map { [$0.itemID, $0.annotator] } == [["x", "ann"]])
        // With room, the submit reserves it: bo cannot take x's sibling away any more.
        try store.releaseLeases(annotatorID: bo)
        let second = try store.submit(draft, itemID: x, annotatorID: ann, claimingNext: y, overlap: 1, at: t0)
        #expect(second.claimedNext && second.judgmentID > first.judgmentID)
        #expect(try !store.claim(itemID: y, annotatorID: bo, overlap: 1, now: t0))
    }
}
