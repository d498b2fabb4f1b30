// swift-tools-version:6.0
import PackageDescription

// Modules follow the data's path; a lower module never imports a higher one:
// (CJACChecksum, our hardware CRC-32C; CJACRename; CJACHeap, glibc's mallopt and a huge-page heap;
// CJACScan, SSE2 runs of plain string text and the record scanner's SSE2/AVX2 scan)
// -> JACSystem (files, signals, threads, /proc: no format knowledge) -> JACWire -> JACJSON -> JACCodec
// -> JACCompression -> JACArchive (archive reading and writing) -> JACPipeline (the stages) -> JACCommands
// (what unpack, cat, ls, verify and pack do) -> JACCommandLine (argument parsing) -> executables.
// doc/code-map.md names the files that implement each part of the format; doc/glossary.md the types
// along the data path.
// Release builds skip Swift's dynamic exclusivity checks: in the per-value loops they cost about
// a fifth of the time (measured with callgrind on jac-squeeze), and debug builds keep them.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Release executables carry the Swift runtime, Foundation (which ArgumentParser imports) and
// ArgumentParser inside them instead of loading a dozen shared libraries at every start: a run
// of `jac unpack` on a one-record archive goes from 8.2 to 6.5 ms (medians of 15), which each of
// a pipeline's three processes pays. They still load libzstd, liblz4, zlib and liblzma from the
// system. Modules compiled against the shared runtime do not name Foundation's two static
// helper libraries, so they are named here.
let staticRuntime: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
    .linkedLibrary("_FoundationCollections", .when(configuration: .release)),
    .linkedLibrary("_FoundationCShims", .when(configuration: .release)),
]

let package = Package(
    name: "jac",
    products: [
        .executable(name: "jac", targets: ["jac"]),
        .executable(name: "jac-split", targets: ["jac-split"]),
        .executable(name: "jac-squeeze", targets: ["jac-squeeze"]),
        .executable(name: "jac-assemble", targets: ["jac-assemble"]),
        .executable(name: "jac-verify", targets: ["jac-verify"]),
        .library(name: "JACArchive", targets: ["JACArchive"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        // gzip and xz input, decompressed on the fly for the splitter.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),

        .target(name: "CJACChecksum"),
        // Plain string text 16 bytes at a time (the JSON reader's copy, the decoder checks' skip),
        // and the record scanner's 64-bytes-at-a-time scan of record bytes.
        .target(name: "CJACScan"),
        // renameat2(RENAME_NOREPLACE) for OutputFile, which Glibc's Swift module does not export.
        .target(name: "CJACRename"),
        .target(name: "CJACHeap"),
        .target(name: "JACSystem", dependencies: ["CJACRename", "CJACHeap"], swiftSettings: fast),
        .target(name: "JACWire", dependencies: ["CJACChecksum", "JACSystem"], swiftSettings: fast),
        .target(name: "JACJSON", dependencies: ["CJACScan", "JACWire"], swiftSettings: fast),
        .target(name: "JACCodec", dependencies: ["JACWire", "JACJSON"], swiftSettings: fast),
        .target(name: "JACCompression", dependencies: ["JACWire", "CZstd", "CLZ4", "CZlib", "CLZMA"], swiftSettings: fast),
        .target(name: "JACArchive", dependencies: ["JACSystem", "JACWire", "JACJSON", "JACCodec", "JACCompression"], swiftSettings: fast),
        .target(name: "JACPipeline", dependencies: ["JACSystem", "JACWire", "JACJSON", "JACCodec", "JACCompression", "JACArchive"], swiftSettings: fast),
        .target(name: "JACCommands", dependencies: [
            "JACSystem", "JACWire", "JACJSON", "JACCodec", "JACCompression", "JACArchive", "JACPipeline",
        ], swiftSettings: fast),
        .target(name: "JACCommandLine", dependencies: [
            "JACSystem", "JACWire", "JACJSON", "JACCodec", "JACCompression", "JACArchive", "JACPipeline", "JACCommands",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "jac", dependencies: ["JACCommandLine"], linkerSettings: staticRuntime),
        .executableTarget(name: "jac-split", dependencies: ["JACCommandLine"], linkerSettings: staticRuntime),
        .executableTarget(name: "jac-squeeze", dependencies: ["JACCommandLine"], linkerSettings: staticRuntime),
        .executableTarget(name: "jac-assemble", dependencies: ["JACCommandLine"], linkerSettings: staticRuntime),
        .executableTarget(name: "jac-verify", dependencies: ["JACCommandLine"], linkerSettings: staticRuntime),

        // Shared by the test targets: an independent JSON comparer and where shared data lives.
        .target(name: "JACTestSupport", path: "Tests/JACTestSupport"),
        .testTarget(name: "JACSystemTests", dependencies: ["JACSystem"]),
        .testTarget(name: "JACWireTests", dependencies: ["JACWire"]),
        .testTarget(name: "JACJSONTests", dependencies: ["JACJSON", "CJACScan"]),
        .testTarget(name: "JACCodecTests", dependencies: ["JACCodec", "JACJSON", "JACWire", "JACTestSupport"]),
        .testTarget(name: "JACCompressionTests", dependencies: ["JACCompression", "JACWire"]),
        .testTarget(name: "JACArchiveTests", dependencies: ["JACArchive", "JACCommands", "JACSystem", "JACCodec", "JACJSON", "JACWire", "JACCompression", "JACTestSupport"]),
        .testTarget(name: "JACPipelineTests", dependencies: ["JACPipeline", "JACCommands", "JACSystem", "JACArchive", "JACCompression", "JACWire", "JACTestSupport"]),
        .testTarget(name: "JACCommandsTests", dependencies: [
            "JACCommands", "JACPipeline", "JACArchive", "JACCompression", "JACSystem", "JACWire", "JACTestSupport",
        ]),
        .testTarget(name: "JACCommandLineTests", dependencies: ["JACTestSupport", "JACCommandLine", "JACCompression", "JACArchive", "JACCodec", "JACSystem", "JACWire"]),
    ]
)
