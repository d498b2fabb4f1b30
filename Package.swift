// swift-tools-version:6.0
import PackageDescription

// Modules follow the data's path; a lower module never imports a higher one:
// JACWire -> JACJSON -> JACCodec -> JACCompression -> JACArchive -> JACPipeline -> JACCommandLine -> executables.
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

        .target(name: "JACWire"),
        .target(name: "JACJSON", dependencies: ["JACWire"]),
        .target(name: "JACCodec", dependencies: ["JACWire", "JACJSON"]),
        .target(name: "JACCompression", dependencies: ["JACWire", "CZstd", "CLZ4"]),
        .target(name: "JACArchive", dependencies: ["JACWire", "JACJSON", "JACCodec", "JACCompression"]),
        .target(name: "JACPipeline", dependencies: ["JACWire", "JACJSON", "JACCodec", "JACCompression", "JACArchive"]),
        .target(name: "JACCommandLine", dependencies: [
            "JACWire", "JACJSON", "JACCodec", "JACCompression", "JACArchive", "JACPipeline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "jac", dependencies: ["JACCommandLine"]),
        .executableTarget(name: "jac-split", dependencies: ["JACCommandLine"]),
        .executableTarget(name: "jac-squeeze", dependencies: ["JACCommandLine"]),
        .executableTarget(name: "jac-assemble", dependencies: ["JACCommandLine"]),
        .executableTarget(name: "jac-verify", dependencies: ["JACCommandLine"]),

        .testTarget(name: "JACWireTests", dependencies: ["JACWire"]),
        .testTarget(name: "JACJSONTests", dependencies: ["JACJSON"]),
        .testTarget(name: "JACCodecTests", dependencies: ["JACCodec", "JACJSON", "JACWire"]),
        .testTarget(name: "JACCompressionTests", dependencies: ["JACCompression"]),
        .testTarget(name: "JACArchiveTests", dependencies: ["JACArchive", "JACCodec", "JACJSON", "JACWire", "JACCompression"]),
        .testTarget(name: "JACPipelineTests", dependencies: ["JACPipeline", "JACArchive"]),
        .testTarget(name: "JACCommandLineTests", dependencies: ["JACArchive"]),
    ]
)
