import Foundation
import PairwiseTestSupport
import Testing

/// What only a lead may do, checked as an annotator would try it.
@Suite struct RoleTests {
    /// A project led by `tester`, with annotator `ann` and the sample items.
    func project() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("pairwise-roles")
        _ = try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory.url)
        _ = try pairwise(["import", Fixtures.sampleItems], in: directory.url)
        #expect(try pairwise(["annotators", "add", "ann"], in: directory.url).status == 0)
        return directory
    }

    func people(_ directory: TemporaryDirectory) throws -> String {
        try pairwise(["annotators", "list"], in: directory.url).stdout
    }

    @Test func anAnnotatorCannotChangePeopleOrRoles() throws {
        let directory = try project()
        let promote = try pairwise(["annotators", "add", "ann", "--role", "lead"], in: directory.url, environment: ["USER": "ann"])
        #expect(promote.status == 77)
        #expect(promote.stderr == "pairwise: error: adding people and changing roles is for leads only (ann is not a lead of this project)\n")
        let add = try pairwise(["annotators", "add", "friend"], in: directory.url, environment: ["USER": "ann"])
        #expect(add.status == 77)
        #expect(try people(directory) == "ann\tannotator\ntester\tlead\n")
    }

    @Test func theOnlyLeadCannotStepDown() throws {
        let directory = try project()
        let demote = try pairwise(["annotators", "add", "tester", "--role", "annotator"], in: directory.url)
        #expect(demote.status == 77)
        #expect(demote.stderr == "pairwise: error: tester is the project's only lead: make someone else a lead first (`pairwise annotators add NAME --role lead`)\n")
        #expect(try pairwise(["annotators", "add", "ann", "--role", "lead"], in: directory.url).status == 0)
        let handedOver = try pairwise(["annotators", "add", "tester", "--role", "annotator"], in: directory.url)
        #expect(handedOver.status == 0)
        #expect(try people(directory) == "ann\tlead\ntester\tannotator\n")
    }

    @Test func onlyALeadWritesUnderAnotherName() throws {
        let directory = try project()
        try #"{"id": "x1", "prompt": "p", "response_a": "a", "response_b": "b", "preference_strength": -2}"#
            .write(toFile: directory.path("labels.jsonl"), atomically: true, encoding: .utf8)
        let asRoot = try pairwise(["import", "labels.jsonl", "--labels-as", "root"], in: directory.url, environment: ["USER": "ann"])
        #expect(asRoot.status == 77)
        #expect(asRoot.stderr == "pairwise: error: --labels-as root (judgments under another person's name) is for leads only (ann is not a lead of this project)\n")
        try #"{"item_id": "code-001", "annotator": "tester", "preference_strength": 3}"#
            .write(toFile: directory.path("judgments.jsonl"), atomically: true, encoding: .utf8)
        let named = try pairwise(["import", "judgments.jsonl", "--format", "judgments", "--labels"], in: directory.url, environment: ["USER": "ann"])
        #expect(named.status == 77)
        #expect(named.stderr == "pairwise: error: --labels (judgments under the names a file gives) is for leads only (ann is not a lead of this project)\n")
        // Nothing was written by the refused imports; one's own name is fine.
        #expect(try pairwise(["status"], in: directory.url).stdout.contains("items        62\n"))
        let own = try pairwise(["import", "labels.jsonl", "--labels-as", "ann"], in: directory.url, environment: ["USER": "ann"])
        #expect(own.status == 0)
        #expect(own.stdout == "imported 1 record from 1 file: 1 item added, 0 duplicates skipped, 1 label added\n")
    }

    @Test func simulatedJudgmentsAreForLeads() throws {
        let directory = try project()
        let run = try pairwise(["simulate", "--annotators", "2", "--overlap", "2"], in: directory.url, environment: ["USER": "ann"])
        #expect(run.status == 77)
        #expect(run.stderr == "pairwise: error: simulated judgments is for leads only (ann is not a lead of this project)\n")
        #expect(try people(directory) == "ann\tannotator\ntester\tlead\n")
    }

    @Test func actingAsSomeoneNeedsThemInTheProjectAndALead() throws {
        let directory = try project()
        let typo = try pairwise(["review", "--as", "tseter"], in: directory.url)
        #expect(typo.status == 67)
        #expect(typo.stderr == "pairwise: error: --as tseter: no one of that name is in this project (`pairwise annotators list` shows who is; a lead adds people with `pairwise annotators add NAME`)\n")
        #expect(try people(directory) == "ann\tannotator\ntester\tlead\n")
        _ = try pairwise(["annotators", "add", "bo"], in: directory.url)
        let other = try pairwise(["annotate", "--as", "bo"], in: directory.url, environment: ["USER": "ann"])
        #expect(other.status == 77)
        #expect(other.stderr == "pairwise: error: --as bo: acting under another person's name is for leads only (ann is not a lead of this project)\n")
    }
}
