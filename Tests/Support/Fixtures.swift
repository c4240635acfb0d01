import Foundation

/// Paths the tests read: the repository's own files and the shared public datasets.
public enum Fixtures {
    /// The repository root (this file is Tests/Support/Fixtures.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Writes `count` records of the real hh-rlhf test file, from record `start`, as a JSON
    /// Lines file at `path`.
    public static func hhRLHFRecords(_ count: Int, from start: Int = 0, into path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc \"$0\" | tail -n +\(start + 1) | head -n \(count) > \"$1\"", hhRLHF, path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: hhRLHF])
        }
    }

    /// A file of the repository, by relative path.
    public static func repository(_ path: String) -> String { repositoryRoot.appendingPathComponent(path).path }

    /// The shared datasets folder: `$PAIRWISE_SHARED/datasets`, else `../shared/datasets`
    /// beside the clone, else `/work/shared/datasets`.
    public static let datasets: URL = {
        var candidates: [URL] = []
        if let shared = ProcessInfo.processInfo.environment["PAIRWISE_SHARED"] { candidates.append(URL(fileURLWithPath: shared)) }
        candidates.append(repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared"))
        candidates.append(URL(fileURLWithPath: "/work/shared"))
        let found = candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("datasets").path) }
        return (found ?? candidates[0]).appendingPathComponent("datasets")
    }()

    /// Anthropic HH-RLHF, harmless-base test split: 2,312 pairs, gzip.
    public static let hhRLHF = datasets.appendingPathComponent("hh-rlhf/harmless-base-test.jsonl.gz").path

    /// The sample items and rubric.
    public static let sampleItems = repository("sample-data/items.jsonl")
    public static let sampleRubric = repository("sample-data/rubric.yaml")
}

/// A directory under the system's temporary folder, removed when this goes away.
public final class TemporaryDirectory {
    public let url: URL
    /// A fresh PostgreSQL database for the project (`PAIRWISE_DB`), dropped with the
    /// directory; nil for a project in a SQLite file in the directory.
    public let database: String?

    public init(_ prefix: String = "pairwise-test", on kind: StoreKind = .sqlite) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        database = kind == .postgres ? try TestPostgres.freshDatabase() : nil
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// What a command run here needs to find the project.
    public var environment: [String: String] { database.map { ["PAIRWISE_DB": $0] } ?? [:] }

    deinit {
        try? FileManager.default.removeItem(at: url)
        if let database { TestPostgres.dropDatabase(database) }
    }
}

/// The stores the store and end-to-end tests run on: SQLite always, PostgreSQL when a
/// server is there (`SQLConnectionTests.theStoreTestsReachPostgreSQL15OrLater` says when not).
public enum StoreKind: String, CaseIterable, Sendable {
    case sqlite, postgres
    public static let available: [StoreKind] = TestPostgres.isAvailable ? allCases : [.sqlite]
}

extension Fixtures {
    /// A real public file in ../shared/datasets/real-formats (see its README for sources).
    public static func realFormat(_ name: String) -> String { datasets.appendingPathComponent("real-formats/\(name)").path }
}
