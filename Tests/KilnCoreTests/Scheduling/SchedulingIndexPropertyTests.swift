import Foundation
import KilnCore
import KilnTestSupport
import PropertyBased
import Testing

/// A random small world: ≤ 30 pending work requests, ≤ 8 workers, 8 tags, 3 task names, colliding priorities
/// and timestamps so every tie-break is exercised.
struct SchedulingSmallWorld {
    var requests: [PendingWorkRequest]
    var workers: [SchedulableWorker]

    static let vocabulary = (0..<8).map { "t\($0)" }
    static let taskNames = ["sbuild", "noop", "lintian"]

    init(seed: Int) {
        var rng = SeededRandom(seed: seed)
        func tags(_ range: ClosedRange<Int>) -> Set<String> {
            Set((0..<Int.random(in: range, using: &rng)).map { _ in Self.vocabulary.randomElement(using: &rng)! })
        }
        requests = (0..<Int.random(in: 0...30, using: &rng)).map { id in
            PendingWorkRequest(
                id: id,
                taskName: Self.taskNames.randomElement(using: &rng)!,
                effectivePriority: Int.random(in: 0...2, using: &rng),
                createdAt: schedulingTime(Double(Int.random(in: 0...5, using: &rng))),
                requiredTags: tags(0...2),
                providedTags: tags(0...3)
            )
        }
        workers = (0..<Int.random(in: 0...8, using: &rng)).map { id in
            let concurrency = Int.random(in: 0...3, using: &rng)
            let filter: WorkerTaskNameFilter
            switch Int.random(in: 0...5, using: &rng) {
            case 0: filter = WorkerTaskNameFilter(denylist: Array(Self.taskNames.shuffled(using: &rng).prefix(1)))
            case 1:
                filter = WorkerTaskNameFilter(
                    allowlist: Array(Self.taskNames.shuffled(using: &rng).prefix(2)),
                    denylist: Array(Self.taskNames.shuffled(using: &rng).prefix(1))
                )
            case 2: filter = WorkerTaskNameFilter(allowlist: [])
            default: filter = WorkerTaskNameFilter()
            }
            return SchedulableWorker(
                id: 100 + id,
                providedTags: tags(0...7),
                requiredTags: Bool.random(using: &rng) ? [] : tags(0...1),
                taskNameFilter: filter,
                concurrency: concurrency,
                currentLoad: Int.random(in: 0...concurrency, using: &rng),
                isPoolWorker: Bool.random(using: &rng),
                connectedAt: schedulingTime(Double(Int.random(in: 0...3, using: &rng)))
            )
        }
    }

    func index() throws -> SchedulingIndex {
        var index = SchedulingIndex()
        for request in requests { try index.addWorkRequest(request) }
        for worker in workers { try index.addWorker(worker) }
        return index
    }
}

/// The reference: Debusine's loop written the slow, obvious way (`server/scheduler.py` `schedule`,
/// `schedule_for_worker`). Repeated `schedule()` runs; in each, every worker below capacity, in serving order, scans
/// all pending work requests in queue order and takes the first it may run.
enum NaiveReferenceScheduler {
    static func mayRun(_ request: PendingWorkRequest, on worker: SchedulableWorker) -> Bool {
        guard TagMatching.taskCanRun(request.schedulingTags, on: worker.schedulingTags) else { return false }
        // Debusine's `get_candidate_work_requests`, restated: an allowlist (`is not None`, even empty) decides alone;
        // otherwise the denylist excludes.
        if let allowlist = worker.taskNameFilter.allowlist {
            return allowlist.contains(request.taskName)
        }
        return !worker.taskNameFilter.denylist.contains(request.taskName)
    }

    static func schedule(requests: [PendingWorkRequest], workers: [SchedulableWorker]) -> [ProposedAssignment] {
        var pending = requests.sorted { $0.queueKey < $1.queueKey }
        let ordered = workers.sorted { $0.orderKey < $1.orderKey }
        var free = ordered.map { max(0, $0.concurrency - $0.currentLoad) }
        var pairs: [ProposedAssignment] = []
        var assignedThisRun = true
        while assignedThisRun {
            assignedThisRun = false
            for (position, worker) in ordered.enumerated() where free[position] > 0 {
                guard let found = pending.firstIndex(where: { mayRun($0, on: worker) }) else { continue }
                pairs.append(ProposedAssignment(workRequestID: pending[found].id, workerID: worker.id))
                pending.remove(at: found)
                free[position] -= 1
                assignedThisRun = true
            }
        }
        return pairs
    }
}

@Suite("Scheduling index: properties against the naive reference scheduler")
struct SchedulingIndexPropertyTests {
    static let seeds = Gen.int(in: 0...Int(Int32.max))

    /// Checks the invariants of one complete run over `world`.
    static func checkInvariants(_ pairs: [ProposedAssignment], world: SchedulingSmallWorld) {
        let requests = Dictionary(uniqueKeysWithValues: world.requests.map { ($0.id, $0) })
        let workers = Dictionary(uniqueKeysWithValues: world.workers.map { ($0.id, $0) })
        for pair in pairs {
            guard let request = requests[pair.workRequestID], let worker = workers[pair.workerID] else {
                Issue.record("proposal \(pair) names something outside the world")
                continue
            }
            #expect(TagMatching.taskCanRun(request.schedulingTags, on: worker.schedulingTags), "\(pair)")
            #expect(worker.taskNameFilter.permits(taskName: request.taskName), "\(pair)")
        }
        #expect(Set(pairs.map(\.workRequestID)).count == pairs.count, "a work request was proposed twice")
        let perWorker = Dictionary(grouping: pairs, by: \.workerID).mapValues(\.count)
        for (workerID, count) in perWorker {
            if let worker = workers[workerID] { #expect(count <= worker.concurrency - worker.currentLoad) }
        }
        let proposed = Set(pairs.map(\.workRequestID))
        for worker in world.workers where worker.concurrency - worker.currentLoad > perWorker[worker.id, default: 0] {
            let runnable = world.requests.filter {
                !proposed.contains($0.id) && NaiveReferenceScheduler.mayRun($0, on: worker)
            }
            #expect(runnable.isEmpty, "worker \(worker.id) has a free slot and could run \(runnable.map(\.id))")
        }
    }

    @Test("property: the index proposes exactly the naive scheduler's pairs, valid and maximal")
    func matchesNaiveReference() async {
        await propertyCheck(count: 300, input: Self.seeds) { seed in
            let world = SchedulingSmallWorld(seed: seed)
            guard var index = try? world.index() else {
                Issue.record("world \(seed) could not be loaded")
                return
            }
            let pairs = index.nextAssignments(limit: 1_000)
            #expect(
                pairs == NaiveReferenceScheduler.schedule(requests: world.requests, workers: world.workers),
                "seed \(seed)"
            )
            Self.checkInvariants(pairs, world: world)
            #expect(index.nextAssignments(limit: 1_000).isEmpty)
        }
    }

    @Test("property: any split into batches proposes the same pairs as one call")
    func batchesAgree() async {
        await propertyCheck(count: 200, input: Self.seeds, Gen.int(in: 1...4).array(of: 1...40)) { seed, limits in
            let world = SchedulingSmallWorld(seed: seed)
            guard var whole = try? world.index(), var split = try? world.index() else { return }
            let expected = whole.nextAssignments(limit: 1_000)
            var batches: [ProposedAssignment] = []
            for limit in limits { batches += split.nextAssignments(limit: limit) }
            batches += split.nextAssignments(limit: 1_000)
            #expect(batches == expected, "seed \(seed), limits \(limits)")
        }
    }

    @Test("property: after events (removals, re-prioritisation, worker updates) the index still equals the reference")
    func eventsKeepTheIndexExact() async {
        await propertyCheck(count: 200, input: Self.seeds) { seed in
            var world = SchedulingSmallWorld(seed: seed)
            guard var index = try? world.index() else { return }
            // A complete run abandoned: the index is back to the world, but with eligibility cached, so the
            // events below go through the incremental paths (head improvements, stale heap entries).
            for proposal in index.nextAssignments(limit: 1_000) {
                #expect(throws: Never.self) { try index.rollback(proposal, because: .abandoned) }
            }
            var rng = SeededRandom(seed: seed &+ 1)
            for _ in 0..<Int.random(in: 0...12, using: &rng) where !world.requests.isEmpty {
                let position = Int.random(in: 0..<world.requests.count, using: &rng)
                switch Int.random(in: 0...2, using: &rng) {
                case 0:
                    let removed = index.removeWorkRequest(id: world.requests[position].id)
                    #expect(removed)
                    world.requests.remove(at: position)
                case 1:
                    world.requests[position].effectivePriority = Int.random(in: -1...3, using: &rng)
                    world.requests[position].requiredTags = Set(
                        SchedulingSmallWorld.vocabulary.shuffled(using: &rng).prefix(1)
                    )
                    #expect(throws: Never.self) { try index.updateWorkRequest(world.requests[position]) }
                default:
                    guard !world.workers.isEmpty else { continue }
                    let workerPosition = Int.random(in: 0..<world.workers.count, using: &rng)
                    world.workers[workerPosition].providedTags.insert(
                        SchedulingSmallWorld.vocabulary.randomElement(using: &rng)!
                    )
                    world.workers[workerPosition].connectedAt = schedulingTime(
                        Double(Int.random(in: 0...3, using: &rng))
                    )
                    world.workers[workerPosition].concurrency += 1
                    #expect(throws: Never.self) { try index.updateWorker(world.workers[workerPosition]) }
                }
            }
            let pairs = index.nextAssignments(limit: 1_000)
            #expect(
                pairs == NaiveReferenceScheduler.schedule(requests: world.requests, workers: world.workers),
                "seed \(seed)"
            )
            Self.checkInvariants(pairs, world: world)
        }
    }

    @Test("property: confirming some proposals and abandoning the rest leaves the index equal to the reference")
    func confirmAndAbandon() async {
        await propertyCheck(count: 200, input: Self.seeds) { seed in
            var world = SchedulingSmallWorld(seed: seed)
            guard var index = try? world.index() else { return }
            var rng = SeededRandom(seed: seed &+ 2)
            let first = index.nextAssignments(limit: Int.random(in: 1...10, using: &rng))
            for proposal in first {
                if Bool.random(using: &rng) {
                    #expect(throws: Never.self) { try index.confirm(proposal) }
                    world.requests.removeAll { $0.id == proposal.workRequestID }
                    if let position = world.workers.firstIndex(where: { $0.id == proposal.workerID }) {
                        world.workers[position].currentLoad += 1
                    }
                } else {
                    #expect(throws: Never.self) { try index.rollback(proposal, because: .abandoned) }
                }
            }
            #expect(index.counters.outstandingProposals == 0)
            // A fresh run (a new schedule() after the commit) must match the reference on what is left.
            var fresh = SchedulingIndex()
            for request in world.requests { try? fresh.addWorkRequest(request) }
            for worker in world.workers { try? fresh.addWorker(worker) }
            let expected = NaiveReferenceScheduler.schedule(requests: world.requests, workers: world.workers)
            #expect(fresh.nextAssignments(limit: 1_000) == expected, "seed \(seed)")
            // The used index resumes the round the first batch was cut from, so its pairs may differ from a
            // fresh run's; they must still be valid and maximal.
            Self.checkInvariants(index.nextAssignments(limit: 1_000), world: world)
        }
    }
}
