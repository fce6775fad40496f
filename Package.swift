// swift-tools-version:6.2
import PackageDescription

/// Settings every Kiln target shares: Swift 6 language mode (strict concurrency is its default) and no warnings.
/// `NonisolatedNonsendingByDefault` (SE-0461): a nonisolated async function runs on its caller's executor, so
/// the repositories and handlers called inside a transaction stay on the connection's queue instead of
/// hopping to Swift's pool and back for every statement (deploy/docs/benchmarks.md, "Pipeline").
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .treatAllWarnings(as: .error),
]

let propertyBased = Target.Dependency.product(name: "PropertyBased", package: "swift-property-based")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "kiln",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KilnCore", targets: ["KilnCore"]),
        .library(name: "KilnTasks", targets: ["KilnTasks"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "AMQP", targets: ["AMQP"]),
        .library(name: "KilnRuntime", targets: ["KilnRuntime"]),
        .executable(name: "kiln", targets: ["kiln"]),
        .executable(name: "kiln-worker", targets: ["kiln-worker"]),
        .executable(name: "scheduler", targets: ["scheduler"]),
        .executable(name: "tag-computer", targets: ["tag-computer"]),
        .executable(name: "lookup-resolver", targets: ["lookup-resolver"]),
        .executable(name: "worker-gateway", targets: ["worker-gateway"]),
        .executable(name: "file-store", targets: ["file-store"]),
    ],
    dependencies: [
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Already built for hummingbird; named for its file system module, which the file store streams uploads with.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // SHA-256 of worker and activation tokens (Store): a vetted implementation instead of a hand-written one.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // The pure core: model, JSON, lookups, Input* values, input fields, task framework, tags, task
        // configuration, work-request state machine. Foundation only, no I/O.
        .target(name: "KilnCore", dependencies: ["KilnBase"], path: "Shared/KilnCore", swiftSettings: strict),
        // What every layer needs and none owns, so it exists once: the serial executor of the actors that wrap
        // librabbitmq and the Duration conversions. Foundation and Dispatch only.
        .target(name: "KilnBase", path: "Shared/KilnBase", swiftSettings: strict),
        // Concrete task definitions (noop, sbuild, lintian, …) built on the core. Foundation only, no I/O.
        .target(name: "KilnTasks", dependencies: ["KilnCore"], path: "Shared/KilnTasks", swiftSettings: strict),
        // What every executable shares: settings from the environment, structured logs, metrics, the ops
        // HTTP endpoints (/health/live, /health/ready, /metrics) and the SIGTERM-aware service runner.
        .target(
            name: "ServiceKit",
            dependencies: [
                logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Shared/ServiceKit", swiftSettings: strict),

        // Fixtures and scenario tables shared by the in-memory tests and the PostgreSQL store tests, so both
        // stores are held to the same expected answers; and the plumbing of every suite that runs Kiln's
        // executables (private schema and vhost, child processes and their logs, waiting, free ports).
        .target(
            name: "KilnTestSupport", dependencies: ["KilnCore", "Store", "AMQP", logging], path: "Tests/KilnTestSupport",
            swiftSettings: strict),
        // libpq, the PostgreSQL client library (Debian libpq-dev), as a C module.
        .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", providers: [.apt(["libpq-dev"])]),
        // A generic PostgreSQL client over libpq, knowing nothing of Kiln: connection actor and pool,
        // transactions, prepared statements, LISTEN, typed parameters and rows.
        .target(
            name: "PGClient", dependencies: ["CLibPQ", "KilnBase", logging], path: "Shared/PGClient", swiftSettings: strict),
        // Kiln's persistence on top of it: migrations and the schema, repositories by aggregate, lookups, the
        // transactional outbox relay and the inbox. It re-exports PGClient.
        .target(
            name: "Store",
            dependencies: ["PGClient", "KilnCore", logging, .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/Store", swiftSettings: strict),
        // librabbitmq 0.11 as a system library (a module map and a shim header, no C target).
        .systemLibrary(
            name: "CRabbitMQ", path: "Shared/CRabbitMQ", pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]),
        // The AMQP wrapper: one actor per connection on its own serial queue, confirms, consumers, reconnect.
        .target(
            name: "AMQP",
            dependencies: ["CRabbitMQ", "KilnBase", logging, .product(name: "Metrics", package: "swift-metrics")],
            path: "Shared/AMQP", swiftSettings: strict),
        // The layer every service runs on: the Kiln AMQP topology, the idempotent event consumer (inbox +
        // dead-lettering with reasons), outbox publishing with confirms, sweepers and the common start-up.
        .target(
            name: "KilnRuntime",
            dependencies: [
                "AMQP", "Store", "ServiceKit", "KilnCore", logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Runtime", swiftSettings: strict),

        // The operator/user CLI: migrations, workspaces, artifacts, collections, work requests and workers,
        // straight against PostgreSQL through the Store repositories.
        .target(
            name: "KilnCLI",
            dependencies: [
                "Store", "KilnCore", "KilnTasks", "ServiceKit", "AMQP", "KilnRuntime", "FileStore", argumentParser, logging,
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Services/kiln", exclude: ["Main"], swiftSettings: strict),
        // Every executable has the same shape: a library holding everything (tested in-process) and a `Main`
        // folder whose main.swift is one call.
        .executableTarget(
            name: "kiln", dependencies: ["KilnCLI"], path: "Services/kiln/Main", swiftSettings: strict),
        // The external worker: settings, token file, host probe, metadata, the protocol as a pure state machine
        // and its driver, the process's services (a library, so the tests reach them), and its one-line
        // executable. AMQP only: no Store, no runtime.
        .target(
            name: "KilnWorker",
            dependencies: [
                "AMQP", "KilnCore", "KilnTasks", "ServiceKit", "FileStore", logging,
                .product(name: "Metrics", package: "swift-metrics"),
                // dose3's explanation of uninstallable build dependencies in sbuild's log is YAML.
                .product(name: "Yams", package: "Yams"),
                // SHA-1 and MD5 besides SHA-256: sbuild's consistency check verifies every checksum a .changes lists.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Services/kiln-worker/Library",
            swiftSettings: strict),
        .executableTarget(
            name: "kiln-worker", dependencies: ["KilnWorker"], path: "Services/kiln-worker/Main", swiftSettings: strict),

        // Artifact files: the backend interface and its local-directory implementation, streaming SHA-256, and the
        // HTTP client `kiln` and `kiln-worker` use: SwiftNIO's HTTP/1.1 for `http://` (built already for the
        // services' servers, so no HTTP client package to build), Foundation's URLSession for `https://`.
        .target(
            name: "FileStore",
            dependencies: [
                "KilnCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            path: "Shared/FileStore", swiftSettings: strict),
        // file-store: the artifact file API (hummingbird), the content store and the expiry sweep.
        .target(
            name: "KilnFileStore",
            dependencies: [
                "FileStore", "KilnRuntime", "Store", "KilnCore", "ServiceKit", logging,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/file-store", exclude: ["Main"], swiftSettings: strict),
        .executableTarget(
            name: "file-store", dependencies: ["KilnFileStore"], path: "Services/file-store/Main", swiftSettings: strict),

        // The tag-computer service: task configuration, task and worker tag sets with provenance, the tag audit.
        .target(
            name: "KilnTagComputer",
            dependencies: [
                "KilnRuntime", "Store", "KilnCore", "KilnTasks", "ServiceKit", logging,
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Services/tag-computer", exclude: ["Main"], swiftSettings: strict),
        .executableTarget(
            name: "tag-computer", dependencies: ["KilnTagComputer"], path: "Services/tag-computer/Main", swiftSettings: strict),

        // The lookup-resolver: Stage.pending inputs on wr.unblocked, Stage.running inputs and dynamic data on
        // wr.assigned, the lookup RPC, and the sweeps re-driving work stuck in its stage.
        .target(
            name: "KilnLookupResolver",
            dependencies: [
                "KilnRuntime", "Store", "KilnCore", "KilnTasks", "ServiceKit", "AMQP", logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/lookup-resolver", exclude: ["Main"], swiftSettings: strict),
        .executableTarget(
            name: "lookup-resolver", dependencies: ["KilnLookupResolver"], path: "Services/lookup-resolver/Main", swiftSettings: strict),

        // worker-gateway: the only service workers talk to (registration, tokens, heartbeats, dispatch, results).
        .target(
            name: "KilnWorkerGateway",
            dependencies: [
                "KilnRuntime", "Store", "AMQP", "KilnCore", "ServiceKit", logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/worker-gateway", exclude: ["Main"], swiftSettings: strict),
        .executableTarget(
            name: "worker-gateway", dependencies: ["KilnWorkerGateway"], path: "Services/worker-gateway/Main", swiftSettings: strict),

        .testTarget(
            name: "KilnCoreTests", dependencies: ["KilnCore", "KilnTestSupport", propertyBased],
            path: "Tests/KilnCoreTests", swiftSettings: strict),
        .testTarget(
            name: "KilnTasksTests", dependencies: ["KilnTasks", "KilnCore", "KilnTestSupport", propertyBased],
            path: "Tests/KilnTasksTests", exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "ServiceKitTests", dependencies: ["ServiceKit", logging], path: "Tests/ServiceKitTests",
            swiftSettings: strict),
        // Integration tests against the real private cluster (deploy/local/postgres).
        .testTarget(
            name: "StoreTests", dependencies: ["Store", "KilnCore", "KilnTestSupport", logging], path: "Tests/StoreTests",
            swiftSettings: strict),
        // Unit tests of the pure parts and integration tests against the private node of deploy/local/rabbitmq.
        .testTarget(
            name: "FileStoreTests", dependencies: ["FileStore", "KilnFileStore", "Store", "KilnCore", "KilnTestSupport"],
            path: "Tests/FileStoreTests", swiftSettings: strict),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP", logging], path: "Tests/AMQPTests", swiftSettings: strict),
        // Integration tests of the runtime against the real broker and database (unique queues and schema per test).
        .testTarget(
            name: "RuntimeTests",
            dependencies: [
                "KilnRuntime", "AMQP", "Store", "ServiceKit", "KilnCore", "KilnTestSupport", logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/RuntimeTests", swiftSettings: strict),
        // Unit tests of the worker's metadata, tags and token file; a component test that runs the real
        // kiln-worker binary against the broker with the test playing the gateway.
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "KilnWorker", "KilnTasks", "KilnCore", "AMQP", "ServiceKit", "KilnTestSupport", logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/WorkerTests", swiftSettings: strict),
        // BM3 (a benchmark, not a test): run through deploy/bench/amqp, which also runs the C baseline.
        .executableTarget(
            name: "AMQPBenchmark", dependencies: ["AMQP", "CRabbitMQ", "KilnRuntime", logging], path: "Tests/Benchmarks/AMQPBenchmark",
            swiftSettings: strict),

        // The message side of deploy/chaos (hand-made, duplicate, forged and oversized messages); not a test.
        .executableTarget(
            name: "ChaosProbe", dependencies: ["AMQP"], path: "Tests/Chaos/ChaosProbe", swiftSettings: strict),

        // BM1/BM6 (deploy/docs/scheduler-benchmark.md): the scheduling index against the naive reference loop.
        // A benchmark, not a test: build with `-c release --product SchedulerBenchmark`.
        .executableTarget(
            name: "SchedulerBenchmark", dependencies: ["KilnCore"], path: "Tests/Benchmarks/SchedulerBenchmark",
            swiftSettings: strict),
        // The repositories and the `kiln` executable (run as a real process) against the real private cluster.
        .testTarget(
            name: "CLITests",
            dependencies: ["Store", "KilnCore", "KilnTasks", "AMQP", "ServiceKit", "KilnTestSupport", "kiln", logging],
            path: "Tests/CLITests",
            swiftSettings: strict),

        // The scheduler service: matching, assignment, leases, dependency cascades; one active instance.
        .target(
            name: "KilnScheduler",
            dependencies: [
                "KilnRuntime", "Store", "KilnCore", "ServiceKit", logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/scheduler", exclude: ["Main"], swiftSettings: strict),
        .executableTarget(
            name: "scheduler", dependencies: ["KilnScheduler"], path: "Services/scheduler/Main", swiftSettings: strict),
        // The scheduler executable run as a process against the real cluster (schema and vhost per test).
        .testTarget(
            name: "SchedulerTests", dependencies: ["Store", "KilnCore", "KilnTestSupport", "scheduler", logging],
            path: "Tests/SchedulerTests", swiftSettings: strict),
        // The tag-computer executable as a real process against the real servers (own schema and vhost per test).
        .testTarget(
            name: "TagComputerTests",
            dependencies: ["Store", "KilnCore", "KilnTasks", "KilnTestSupport", "AMQP", "KilnRuntime", "tag-computer", logging],
            path: "Tests/TagComputerTests", swiftSettings: strict),
        // The lookup-resolver run as a real process against the real servers (a fresh schema and vhost per test).
        .testTarget(
            name: "LookupResolverTests",
            dependencies: [
                "lookup-resolver", "Store", "KilnCore", "KilnTasks", "KilnTestSupport", "KilnRuntime", "AMQP", logging,
            ],
            path: "Tests/LookupResolverTests", swiftSettings: strict),
        // The real worker-gateway process against the real broker and database, the test playing the worker
        // with the restricted `kiln-worker` account (own vhost and schema per test).
        .testTarget(
            name: "WorkerGatewayTests", dependencies: ["Store", "AMQP", "KilnCore", "KilnTestSupport", "worker-gateway", logging],
            path: "Tests/WorkerGatewayTests", swiftSettings: strict),
        // End to end: `kiln migrate`, the four services (replicas), real `kiln-worker`s, all as processes in a
        // private schema and vhost, driven through the `kiln` CLI (see deploy/docs/testing.md).
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "KilnTestSupport", "KilnCore", "Store", "AMQP", logging, "kiln", "kiln-worker", "scheduler",
                "tag-computer", "lookup-resolver", "worker-gateway",
            ],
            path: "Tests/EndToEndTests", swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
