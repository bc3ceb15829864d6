// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "baysh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "baysh", targets: ["baysh"]),
        .library(name: "BayshCore", targets: ["BayshCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", exact: "0.12.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // :bench's latency percentiles.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // libedit through a shim header: libedit's variadic C API is wrapped there so Swift can call it.
        .systemLibrary(
            name: "CLibedit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // GNU/Linux calls Swift's Glibc module hides (pipe2, posix_spawn chdir/closefrom, renameat2), for the local session.
        .target(name: "CBayshLinux"),
        .target(
            name: "BayshCore",
            dependencies: [
                "CBayshLinux",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The terminal line editor over libedit, kept apart so the core builds and tests without libedit.
        .target(name: "BayshLineEditor", dependencies: ["BayshCore", "CLibedit"]),
        .executableTarget(
            name: "baysh",
            dependencies: [
                "BayshCore",
                "BayshLineEditor",
                "CCurlOnDemand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The release baysh carries the Swift runtime and Foundation instead of loading 56 shared libraries,
            // the largest part of its start-up (docs/performance.md). The objects were compiled against the shared
            // modules, so the static libraries those would have named are listed here; libcurl is not among them
            // (CCurlOnDemand).
            linkerSettings: [.unsafeFlags([
                "-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
                "-l_FoundationCollections", "-l_CFURLSessionInterface", "-lswiftSynchronization",
            ], .when(configuration: .release))]
        ),
        // libcurl's functions for the release baysh's URLSession, loading libcurl on the first HTTP request.
        .target(name: "CCurlOnDemand", cSettings: [.define("BAYSH_CURL_ON_DEMAND", .when(configuration: .release))]),
        .executableTarget(
            name: "baysh-bench",
            dependencies: ["BayshCore", "AgentBayFake", "BayshTestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        // A fake AgentBay API over loopback HTTP, for tests, the benchmark and end-to-end runs of baysh.
        .target(
            name: "AgentBayFake",
            dependencies: ["BayshCore", .product(name: "MCP", package: "swift-sdk")]
        ),
        .executableTarget(
            name: "agentbay-fake",
            dependencies: ["AgentBayFake"]
        ),
        // Invariants checked on arbitrary input, by the libFuzzer harness and by the corpus test in CI.
        .target(
            name: "BayshFuzzing",
            dependencies: ["BayshCore", .product(name: "MCP", package: "swift-sdk")]
        ),
        // The declaration of libFuzzer's driver (header only; libFuzzer defines it under -sanitize=fuzzer).
        .systemLibrary(name: "CFuzzerDriver"),
        // libFuzzer harness (Fuzz/run.sh builds it with -sanitize=fuzzer); a plain build replays corpus files.
        .executableTarget(
            name: "baysh-fuzz",
            dependencies: ["BayshFuzzing", "CFuzzerDriver"]
        ),
        // A stdio MCP server over a fixture session, for the MCP client tests and the benchmark.
        .executableTarget(
            name: "baysh-test-server",
            dependencies: ["BayshCore", .product(name: "MCP", package: "swift-sdk")]
        ),
        // What the test targets and the benchmark share: one pseudo-terminal, running the baysh binary, the fixture
        // servers (Python MCP scripts in BayshCoreTests/MCP/Fixtures, baysh-test-server), secret scans.
        .target(name: "BayshTestSupport", dependencies: ["BayshCore"], path: "Tests/BayshTestSupport"),
        .testTarget(
            name: "BayshCoreTests",
            dependencies: [
                "BayshCore",
                "BayshTestSupport",
                "AgentBayFake",
                "BayshFuzzing",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["MCP/Fixtures"]
        ),
        // The suites that run the baysh executable; ./dev test runs them again against the release build.
        .testTarget(
            name: "BayshBinaryTests",
            dependencies: [
                "BayshCore",
                "BayshTestSupport",
                "AgentBayFake",
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
