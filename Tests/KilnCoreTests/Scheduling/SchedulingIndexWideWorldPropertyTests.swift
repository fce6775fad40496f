import Foundation
import KilnCore
import KilnTestSupport
import PropertyBased
import Testing

/// A random wide world: hundreds of task classes, so eligibility sets and candidate heaps span several 64-class
/// words (the small worlds of `SchedulingIndexPropertyTests` fit in one), and workers drawn from a few host
/// profiles, so worker classes share provided tags and differ by required tags or task lists, as on a farm.
struct SchedulingWideWorld {
    var requests: [PendingWorkRequest]
    var workers: [SchedulableWorker]

    static let vocabulary = (0..<24).map { "t\($0)" }
    static let taskNames = ["sbuild", "noop", "lintian", "autopkgtest", "piuparts", "blhc"]
    /// Priorities at and beyond the 16-bit band of `orderSummary`, and creation times around zero (±0 included),
    /// drawn now and then so the summaries' clamping and sign handling meet the full comparison.
    static let edgePriorities = [40_000, -40_000, 32_767, -32_768, 32_768, -32_769, Int.max, Int.min]
    static let edgeSeconds: [Double] = [-5, -0.0, 0.0, 5, 1e12]

    init(seed: Int) {
        var rng = SeededRandom(seed: seed)
        func tags(_ range: ClosedRange<Int>) -> Set<String> {
            Set((0..<Int.random(in: range, using: &rng)).map { _ in Self.vocabulary.randomElement(using: &rng)! })
        }
        let hostProfiles = (0..<4).map { _ in tags(8...20) }
        requests = (0..<Int.random(in: 300...500, using: &rng)).map { id in
            PendingWorkRequest(
                id: id,
                taskName: Self.taskNames.randomElement(using: &rng)!,
                effectivePriority: Int.random(in: 0...9, using: &rng) == 0
                    ? Self.edgePriorities.randomElement(using: &rng)! : Int.random(in: 0...3, using: &rng),
                createdAt: Int.random(in: 0...9, using: &rng) == 0
                    ? Date(timeIntervalSinceReferenceDate: Self.edgeSeconds.randomElement(using: &rng)!)
                    : schedulingTime(Double(Int.random(in: 0...40, using: &rng))),
                requiredTags: tags(1...3),
                providedTags: tags(0...2)
            )
        }
        workers = (0..<Int.random(in: 10...40, using: &rng)).map { id in
            let concurrency = Int.random(in: 0...3, using: &rng)
            let filter =
                Int.random(in: 0...4, using: &rng) == 0
                ? WorkerTaskNameFilter(denylist: Array(Self.taskNames.shuffled(using: &rng).prefix(2)))
                : WorkerTaskNameFilter()
            return SchedulableWorker(
                id: 1_000 + id,
                providedTags: hostProfiles.randomElement(using: &rng)!,
                requiredTags: Int.random(in: 0...3, using: &rng) == 0 ? tags(1...1) : [],
                taskNameFilter: filter,
                concurrency: concurrency,
                currentLoad: Int.random(in: 0...concurrency, using: &rng),
                isPoolWorker: Bool.random(using: &rng),
                connectedAt: schedulingTime(Double(Int.random(in: 0...5, using: &rng)))
            )
        }
    }

    func index() throws -> SchedulingIndex {
        var index = SchedulingIndex()
        for worker in workers { try index.addWorker(worker) }
        for request in requests { try index.addWorkRequest(request) }
        return index
    }
}

@Suite("Scheduling index: wide worlds (several 64-class words) against the naive reference scheduler")
struct SchedulingIndexWideWorldPropertyTests {
    @Test("property: with hundreds of task classes the index proposes exactly the naive scheduler's pairs")
    func matchesNaiveReference() async {
        await propertyCheck(count: 40, input: SchedulingIndexPropertyTests.seeds) { seed in
            let world = SchedulingWideWorld(seed: seed)
            guard var index = try? world.index() else {
                Issue.record("world \(seed) could not be loaded")
                return
            }
            let taskClasses = index.counters.taskClasses
            #expect(taskClasses > 128, "seed \(seed): the world must span several words")
            let pairs = index.nextAssignments(limit: 10_000)
            #expect(
                pairs == NaiveReferenceScheduler.schedule(requests: world.requests, workers: world.workers),
                "seed \(seed)"
            )
            #expect(index.nextAssignments(limit: 10_000).isEmpty)
        }
    }

    @Test("property: in a wide world, batches of one after removals and updates still give the reference's pairs")
    func eventsAndSmallBatchesKeepTheIndexExact() async {
        await propertyCheck(count: 40, input: SchedulingIndexPropertyTests.seeds) { seed in
            var world = SchedulingWideWorld(seed: seed)
            guard var index = try? world.index() else { return }
            // A complete run abandoned: eligibility and candidate heaps stay cached with stale entries.
            for proposal in index.nextAssignments(limit: 10_000) {
                #expect(throws: Never.self) { try index.rollback(proposal, because: .abandoned) }
            }
            // Removals and updates leave stale entries in class queues; updates also improve heads.
            var rng = SeededRandom(seed: seed &+ 3)
            for _ in 0..<Int.random(in: 20...60, using: &rng) where !world.requests.isEmpty {
                let position = Int.random(in: 0..<world.requests.count, using: &rng)
                if Bool.random(using: &rng) {
                    let removed = index.removeWorkRequest(id: world.requests[position].id)
                    #expect(removed)
                    world.requests.remove(at: position)
                } else {
                    world.requests[position].effectivePriority = Int.random(in: 0...4, using: &rng)
                    world.requests[position].createdAt = schedulingTime(Double(Int.random(in: 0...40, using: &rng)))
                    #expect(throws: Never.self) { try index.updateWorkRequest(world.requests[position]) }
                }
            }
            var pairs: [ProposedAssignment] = []
            while true {
                let batch = index.nextAssignments(limit: 1)
                if batch.isEmpty { break }
                pairs += batch
            }
            #expect(
                pairs == NaiveReferenceScheduler.schedule(requests: world.requests, workers: world.workers),
                "seed \(seed)"
            )
        }
    }
}
