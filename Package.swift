// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Pairwise",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pairwise", targets: ["pairwise"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // zlib, for reading .gz input directly.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // libcrypto (OpenSSL), for SHA-256: maintained, and using the CPU's SHA instructions.
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        // ncursesw (wide characters): module map plus a shim for the macros Swift cannot import.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        // A prefetch hint for the model's fits, which read rows out of order, and glibc's
        // threshold for mapping large blocks on their own.
        .systemLibrary(name: "CMemory", path: "Sources/CMemory"),
        // The model's innermost loops over packed feature rows, compiled for each vector width
        // and chosen for the CPU at start-up.
        .target(name: "CRowKernels"),
        // Domain types, rubric files, JSON, import and export codecs. No SQLite, no curses.
        .target(
            name: "PairwiseCore",
            dependencies: ["CZlib", "CCrypto", .product(name: "Yams", package: "Yams")]
        ),
        // Agreement, reliability and ranking statistics: pure math over arrays.
        .target(name: "PairwiseStats", dependencies: ["PairwiseCore"]),
        // The reward model: featurizer, Bradley–Terry fit by L-BFGS, evaluation. Pure math over arrays.
        .target(name: "PairwiseModel", dependencies: ["PairwiseCore", "PairwiseStats", "CMemory", "CRowKernels"]),
        // Schema migrations, queries, import transactions, export queries; SQLite through
        // GRDB, PostgreSQL through postgres-nio.
        .target(
            name: "PairwiseStore",
            dependencies: ["PairwiseCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
                           .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // What people and commands do with a project, between the store and the screens:
        // the trainer and its runs, the assembly of every report, simulated annotators.
        .target(name: "PairwiseWorkflow", dependencies: ["PairwiseCore", "PairwiseStore", "PairwiseStats", "PairwiseModel"]),
        // Screens as state machines, text layout, and the one terminal that talks to ncurses.
        // Restores the terminal from a signal handler (C: only async-signal-safe calls there).
        .target(name: "CTerminalRestore", linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(name: "PairwiseTUI", dependencies: ["PairwiseCore", "PairwiseStore", "PairwiseStats", "PairwiseModel", "PairwiseWorkflow", "CNcursesw", "CTerminalRestore"]),
        // What every command shares: terminal-safe output, failures as exit statuses, help text.
        .target(name: "PairwiseCommandLine", dependencies: ["PairwiseCore", "PairwiseStore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The `pairwise bench` commands: hot paths timed on real and generated projects.
        .target(
            name: "PairwiseBenchmarks",
            dependencies: [
                "PairwiseCore", "PairwiseStore", "PairwiseStats", "PairwiseModel", "PairwiseWorkflow", "PairwiseTUI", "PairwiseCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/PairwiseBenchmarks"
        ),
        // The command line.
        .executableTarget(
            name: "pairwise",
            dependencies: [
                "PairwiseCore", "PairwiseStore", "PairwiseStats", "PairwiseModel", "PairwiseWorkflow", "PairwiseTUI", "PairwiseCommandLine",
                "PairwiseBenchmarks", "CZlib", "CMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Paths to the repository's files and the shared datasets, for every test target.
        .target(name: "PairwiseTestSupport", path: "Tests/Support"),
        .testTarget(name: "PairwiseCoreTests", dependencies: ["PairwiseCore", "PairwiseTestSupport"]),
        .testTarget(
            name: "PairwiseStoreTests",
            dependencies: ["PairwiseCore", "PairwiseStore", "PairwiseTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "PairwiseModelTests",
            dependencies: ["PairwiseModel", "PairwiseWorkflow", "PairwiseStats", "PairwiseCore", "PairwiseStore", "PairwiseTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "PairwiseStatsTests", dependencies: ["PairwiseStats", "PairwiseCore", "PairwiseTestSupport"]),
        .testTarget(
            name: "PairwiseTUITests",
            dependencies: ["PairwiseTUI", "PairwiseWorkflow", "PairwiseCore", "PairwiseStats", "PairwiseStore", "PairwiseTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Validates sample data and every export against schemas/.
        .testTarget(name: "SchemaTests", dependencies: ["PairwiseCore", "PairwiseStore", "PairwiseTestSupport"]),
        // Drives the built `pairwise` binary as a user would.
        .testTarget(name: "PairwiseCLITests", dependencies: ["pairwise", "PairwiseCore", "PairwiseStats", "PairwiseStore", "PairwiseWorkflow", "PairwiseTUI", "PairwiseTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
