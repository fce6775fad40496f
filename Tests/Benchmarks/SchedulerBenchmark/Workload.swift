import Foundation
import KilnCore

/// SplitMix64: a tiny seeded generator so every run of the benchmark builds the same workload.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An index in `0..<count` drawn with weight 1/(i+1) (Zipf, s = 1): a few popular values, a long tail.
    mutating func zipf(_ count: Int) -> Int {
        let total = (1...count).reduce(0.0) { $0 + 1 / Double($1) }
        var target = Double.random(in: 0..<total, using: &self)
        for index in 0..<count {
            target -= 1 / Double(index + 1)
            if target < 0 { return index }
        }
        return count - 1
    }
}

/// How tags are drawn.
enum TagShape: String {
    /// Workers come from host profiles and work requests from task profiles (a fleet of a few dozen machine
    /// types, a few dozen kinds of job), as on a real build farm.
    case profiled
    /// Every worker and every work request draws its tags independently: almost every work request is its
    /// own task class and every worker its own worker class. The worst case for class grouping.
    case independent
}

/// One BM1-style workload (deploy/docs/scheduler-benchmark.md): pending work requests and idle workers.
struct Workload {
    let requests: [PendingWorkRequest]
    let workers: [SchedulableWorker]

    // ~200 tags: 10 architectures, 50 capabilities, 140 scope/workspace tags.
    static let architectures = (0..<10).map { "arch:a\($0)" }
    static let capabilities = (0..<50).map { "cap:c\($0)" }
    static let scopes = (0..<140).map { "scope:s\($0)" }
    static let taskNames = [
        "sbuild", "autopkgtest", "lintian", "piuparts", "blhc", "debdiff", "mmdebstrap",
        "simplesystemimagebuild", "noop", "assemble-signed-source",
    ]
    /// Tags no worker ever provides: requiring one makes a work request match no worker.
    static let unavailable = ["arch:a9", "cap:c49"]

    init(requests: [PendingWorkRequest], workers: [SchedulableWorker]) {
        self.requests = requests
        self.workers = workers
    }

    init(pending: Int, workers workerCount: Int, shape: TagShape, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let usableArchitectures = Array(Self.architectures.prefix(9))
        let usableCapabilities = Array(Self.capabilities.prefix(49))

        func hostTags(_ rng: inout SplitMix64) -> Set<String> {
            var tags: Set<String> = [usableArchitectures[rng.zipf(usableArchitectures.count)]]
            if Bool.random(using: &rng) { tags.insert(usableArchitectures[rng.zipf(usableArchitectures.count)]) }
            let capabilityCount = Int.random(in: 4...28, using: &rng)
            while tags.count < capabilityCount + 1 {
                tags.insert(
                    shape == .profiled
                        ? usableCapabilities[rng.zipf(usableCapabilities.count)]
                        : usableCapabilities.randomElement(using: &rng)!
                )
            }
            return tags
        }
        func taskRequired(_ rng: inout SplitMix64) -> Set<String> {
            var tags: Set<String> = [usableArchitectures[rng.zipf(usableArchitectures.count)]]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                tags.insert(
                    shape == .profiled
                        ? usableCapabilities[rng.zipf(12)]
                        : usableCapabilities.randomElement(using: &rng)!
                )
            }
            return tags
        }

        let hostProfiles = (0..<40).map { _ in hostTags(&rng) }
        let taskProfiles = (0..<60).map { _ in taskRequired(&rng) }
        let origin = Date(timeIntervalSinceReferenceDate: 800_000_000)

        var requests: [PendingWorkRequest] = []
        requests.reserveCapacity(pending)
        for id in 1...max(1, pending) where id <= pending {
            var required = shape == .profiled ? taskProfiles[rng.zipf(taskProfiles.count)] : taskRequired(&rng)
            // ~20% match no worker.
            if Double.random(in: 0..<1, using: &rng) < 0.2 {
                required.insert(Self.unavailable.randomElement(using: &rng)!)
            }
            let provided = Set(
                (0..<Int.random(in: 0...3, using: &rng)).map { _ in Self.scopes[rng.zipf(Self.scopes.count)] }
            )
            let priorityDraw = Double.random(in: 0..<1, using: &rng)
            requests.append(
                PendingWorkRequest(
                    id: id,
                    taskName: Self.taskNames[rng.zipf(Self.taskNames.count)],
                    effectivePriority: priorityDraw < 0.7 ? 0 : priorityDraw < 0.9 ? 10 : 20,
                    createdAt: origin.addingTimeInterval(Double(Int.random(in: 0..<86_400, using: &rng))),
                    requiredTags: required,
                    providedTags: provided
                )
            )
        }
        self.requests = requests

        var workers: [SchedulableWorker] = []
        for id in 1...max(1, workerCount) where id <= workerCount {
            let provided = shape == .profiled ? hostProfiles[rng.zipf(hostProfiles.count)] : hostTags(&rng)
            // ~10% of workers serve one scope only (they require its tag).
            let required: Set<String> =
                Double.random(in: 0..<1, using: &rng) < 0.1
                ? [Self.scopes[rng.zipf(20)]] : []
            // ~5% of workers refuse a few task names.
            let filter =
                Double.random(in: 0..<1, using: &rng) < 0.05
                ? WorkerTaskNameFilter(
                    denylist: (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                        Self.taskNames.randomElement(using: &rng)!
                    }
                )
                : WorkerTaskNameFilter()
            workers.append(
                SchedulableWorker(
                    id: id,
                    providedTags: provided,
                    requiredTags: required,
                    taskNameFilter: filter,
                    concurrency: 1,
                    currentLoad: 0,
                    isPoolWorker: Double.random(in: 0..<1, using: &rng) < 0.3,
                    connectedAt: origin.addingTimeInterval(Double(Int.random(in: 0..<3_600, using: &rng)))
                )
            )
        }
        self.workers = workers
    }
}
