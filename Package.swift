// swift-tools-version: 6.1
import PackageDescription

// Postings decoding and scoring touch class properties per document; run-time exclusivity checks there cost
// more than the work (a third of query time, measured). The modules do not rely on them: each reader and
// searcher is used from one thread.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "talent",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "talent", targets: ["talent"]),
        .executable(name: "talent-server", targets: ["talent-server"]),
        .library(name: "TextAnalysis", targets: ["TextAnalysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `talent serve`. Default traits off: swift-configuration is not needed and costs build time.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        // The only target that includes <unicode/*.h>; its public header exposes plain C types and
        // opaque handles, because ICU's headers clash with Foundation's bundled ICU in Swift modules.
        .target(
            name: "CICUShim",
            linkerSettings: [
                .linkedLibrary("icui18n"),
                .linkedLibrary("icuuc"),
                .linkedLibrary("icudata"),
            ]
        ),
        // libdeflate behind plain C: CRC-32 footers and deflated (zlib format) stored fields.
        .target(
            name: "CCompression",
            linkerSettings: [.linkedLibrary("deflate"), .linkedLibrary("lz4")]
        ),
        // Segment files, postings, manifest and commit. Stores terms, never analyses text.
        .target(
            name: "IndexStore",
            dependencies: ["CCompression"],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "TextAnalysis",
            dependencies: ["CICUShim"],
            resources: [.copy("Resources/lexicon.tsv")]
        ),
        // Indexing and querying: both must analyse text identically.
        .target(
            name: "SearchEngine",
            dependencies: ["IndexStore", "TextAnalysis"],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "TalentDirectory",
            dependencies: ["SearchEngine", "IndexStore", "TextAnalysis"],
            resources: [.copy("Resources/csco2022.tsv")]
        ),
        // What the CLI's --json and the web API answer, as JSON values: one implementation for both.
        .target(
            name: "TalentService",
            dependencies: ["TalentDirectory", "SearchEngine", "IndexStore", "TextAnalysis"]
        ),
        // `talent serve`: the HTTP API and the page, on Hummingbird.
        .target(
            name: "TalentServer",
            dependencies: [
                "TalentService",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Resources/page")]
        ),
        .executableTarget(
            name: "talent",
            dependencies: [
                "TextAnalysis",
                "IndexStore",
                "SearchEngine",
                "TalentDirectory",
                "TalentService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A cold `talent search` spent a third of its time binding the Swift runtime's and Foundation's
            // shared libraries; linked in, `talent search java` takes 13.5 instead of 18.1 ms (hyperfine).
            swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))]
        ),
        // The server `talent serve` runs. A program of its own so that SwiftNIO stays out of the CLI: linked
        // in, it made every `talent` start 2-3 ms slower (4x the relocations) and the first build minutes longer.
        .executableTarget(
            name: "talent-server",
            dependencies: [
                "TalentServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "talent-bench",
            dependencies: [
                "TextAnalysis",
                "TalentDirectory",
                "IndexStore",
                "SearchEngine",
                "CICUShim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers the test targets share (temporary folders, a seeded generator).
        .target(name: "TestSupport"),
        .testTarget(
            name: "TextAnalysisTests",
            dependencies: ["TextAnalysis", "CICUShim", "TestSupport"]
        ),
        .testTarget(
            name: "IndexStoreTests",
            dependencies: ["IndexStore", "CCompression", "TestSupport"]
        ),
        .testTarget(
            name: "SearchEngineTests",
            dependencies: ["SearchEngine", "IndexStore", "TextAnalysis", "TestSupport"]
        ),
        .testTarget(
            name: "TalentDirectoryTests",
            dependencies: ["TalentDirectory", "IndexStore", "TestSupport"]
        ),
        // Runs the built `talent` executable: durability under SIGKILL, locking, bad input, exit codes.
        .testTarget(
            name: "TalentCLITests",
            dependencies: ["TalentDirectory", "IndexStore", "talent", "TestSupport"]
        ),
        // Starts `talent serve` on a free port: the API against the CLI, limits, a headless browser on the page.
        .testTarget(
            name: "TalentServerTests",
            dependencies: ["TalentService", "talent", "talent-server", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
