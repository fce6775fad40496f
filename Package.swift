// swift-tools-version:6.2
import PackageDescription

/// Settings every Kiln target shares: Swift 6 language mode (strict concurrency is its default) and no warnings.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

let propertyBased = Target.Dependency.product(name: "PropertyBased", package: "swift-property-based")

let package = Package(
    name: "kiln",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KilnCore", targets: ["KilnCore"]),
        .library(name: "KilnTasks", targets: ["KilnTasks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The pure core: model, JSON, lookups, Input* values, input fields, task framework, tags, task
        // configuration, work-request state machine. Foundation only, no I/O.
        .target(name: "KilnCore", path: "Shared/KilnCore", swiftSettings: strict),
        // Concrete task definitions (noop, sbuild, lintian, …) built on the core. Foundation only, no I/O.
        .target(name: "KilnTasks", dependencies: ["KilnCore"], path: "Shared/KilnTasks", swiftSettings: strict),

        .testTarget(
            name: "KilnCoreTests", dependencies: ["KilnCore", propertyBased], path: "Tests/KilnCoreTests",
            swiftSettings: strict),
        .testTarget(
            name: "KilnTasksTests", dependencies: ["KilnTasks", "KilnCore", propertyBased],
            path: "Tests/KilnTasksTests", swiftSettings: strict),

        // BM1/BM6 of anchors-reliability-perf.md §3: the scheduling index against the naive reference loop.
        // A benchmark, not a test: build with `-c release --product SchedulerBenchmark`.
        .executableTarget(
            name: "SchedulerBenchmark", dependencies: ["KilnCore"], path: "Tests/Benchmarks/SchedulerBenchmark",
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
