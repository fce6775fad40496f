import Foundation
import KilnCore

// Scheduler benchmark: BM1 (10,000 pending × 500 idle workers) and the BM6 scaling grid of
// the benchmark definitions in deploy/docs/scheduler-benchmark.md, for the in-memory SchedulingIndex against the naive in-process reference
// loop, measured in the same run. Build in release mode:
//   flock /tmp/kiln-build.lock swift build -c release --product SchedulerBenchmark
//   .build/release/SchedulerBenchmark [--repetitions N] [--skip-grid] [--skip-bm1] [--seed S]
//       [--point PENDINGxWORKERS] [--skip-naive]     (the last two: one grid point, index only, for profiling)

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    guard let position = arguments.firstIndex(of: name), position + 1 < arguments.count else { return nil }
    return arguments[position + 1]
}
let repetitions = Int(option("--repetitions") ?? "") ?? 5
let seed = UInt64(option("--seed") ?? "") ?? 20_260_401
let skipGrid = arguments.contains("--skip-grid")
let skipBM1 = arguments.contains("--skip-bm1")
/// `--skip-naive` leaves out the naive loop in the grid (for profiling the index alone; no ratios then).
let skipNaive = arguments.contains("--skip-naive")
/// `--point 50000x2000` measures only that point of the BM6 grid (for profiling).
let onlyPoint: (pending: Int, workers: Int)? = option("--point").flatMap { text in
    let parts = text.split(separator: "x").compactMap { Int($0) }
    return parts.count == 2 ? (parts[0], parts[1]) : nil
}

/// A failed correctness invariant fails the benchmark, not just the target.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("benchmark invariant violated: \(message)\n".utf8))
    exit(1)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func percentile(_ values: [UInt64], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) / 1_000
}

func seconds(_ duration: Duration) -> Double { Double(nanoseconds(duration)) / 1e9 }

/// Validity of one result: every pair may run, no work request twice, no worker over capacity.
func checkValid(_ pairs: [ProposedAssignment], _ workload: Workload) {
    let requests = Dictionary(uniqueKeysWithValues: workload.requests.map { ($0.id, $0) })
    let workers = Dictionary(uniqueKeysWithValues: workload.workers.map { ($0.id, $0) })
    var perWorker: [Int: Int] = [:]
    var seen = Set<Int>()
    for pair in pairs {
        guard let request = requests[pair.workRequestID], let worker = workers[pair.workerID] else {
            fail("\(pair) names an unknown work request or worker")
        }
        guard NaiveScheduler.mayRun(request, on: worker) else {
            fail("\(pair) does not satisfy TR ⊆ WP ∧ WR ⊆ TP or the task lists")
        }
        guard seen.insert(pair.workRequestID).inserted else {
            fail("work request \(pair.workRequestID) assigned twice")
        }
        perWorker[pair.workerID, default: 0] += 1
        guard perWorker[pair.workerID, default: 0] <= worker.concurrency - worker.currentLoad else {
            fail("worker \(pair.workerID) over capacity")
        }
    }
}

/// Maximality: no worker left with a free slot may run any work request left.
func checkMaximal(_ pairs: [ProposedAssignment], _ workload: Workload) {
    let assigned = Set(pairs.map(\.workRequestID))
    let perWorker = Dictionary(grouping: pairs, by: \.workerID).mapValues(\.count)
    let left = workload.requests.filter { !assigned.contains($0.id) }
    for worker in workload.workers where worker.concurrency - worker.currentLoad > perWorker[worker.id, default: 0] {
        if let runnable = left.first(where: { NaiveScheduler.mayRun($0, on: worker) }) {
            fail("worker \(worker.id) is free and could run work request \(runnable.id)")
        }
    }
}

func buildIndex(_ workload: Workload) -> SchedulingIndex {
    var index = SchedulingIndex()
    do {
        // Workers first, as the service loads them at takeover (see SchedulingIndex's documentation).
        for worker in workload.workers { try index.addWorker(worker) }
        for request in workload.requests { try index.addWorkRequest(request) }
    } catch {
        fail("loading the workload: \(error)")
    }
    return index
}

struct Figures {
    var naiveRate: [Double] = []
    var indexRate: [Double] = []
    var indexWithBuildRate: [Double] = []
    var buildSeconds: [Double] = []
    var assignments = 0
    var warmAssignments = 0
    var naiveWarmRate: [Double] = []
    var indexWarmRate: [Double] = []
    var naiveLatencies: [UInt64] = []
    var indexLatencies: [UInt64] = []
    var counters: SchedulingIndexCounters?
}

/// One workload measured `repetitions` times: naive loop, then index build, then index run; then one
/// batch-of-one pass for per-assignment latencies.
func measure(_ workload: Workload, naive runNaive: Bool, maximality: Bool) -> Figures {
    var figures = Figures()
    for repetition in 0..<(repetitions + 1) {  // repetition 0 is the warm-up, excluded
        var naivePairs: [ProposedAssignment]?
        if runNaive {
            var latencies: [UInt64] = []
            let start = ContinuousClock.now
            let naive = NaiveScheduler(requests: workload.requests, workers: workload.workers)
            let pairs = naive.run { latencies.append($0) }
            let elapsed = seconds(ContinuousClock.now - start)
            naivePairs = pairs
            if repetition > 0 {
                figures.naiveRate.append(Double(pairs.count) / elapsed)
                figures.naiveLatencies = latencies
            }
        }
        let buildStart = ContinuousClock.now
        var index = buildIndex(workload)
        let built = ContinuousClock.now
        let pairs = index.nextAssignments(limit: Int.max)
        let done = ContinuousClock.now
        if repetition > 0 {
            figures.buildSeconds.append(seconds(built - buildStart))
            figures.indexRate.append(Double(pairs.count) / seconds(done - built))
            figures.indexWithBuildRate.append(Double(pairs.count) / seconds(done - buildStart))
            figures.counters = index.counters
        }
        figures.assignments = pairs.count
        // Warm: the assigned work requests complete, every worker is idle again, and the same index (its
        // eligibility cached) schedules the next round from what is left; the naive loop does the same.
        do {
            for pair in pairs { try index.confirm(pair) }
            for worker in workload.workers { try index.updateWorkerLoad(id: worker.id, currentLoad: 0) }
        } catch {
            fail("confirming the cold run: \(error)")
        }
        let assigned = Set(pairs.map(\.workRequestID))
        let left = workload.requests.filter { !assigned.contains($0.id) }
        let warmStart = ContinuousClock.now
        let warmPairs = index.nextAssignments(limit: Int.max)
        let warmElapsed = seconds(ContinuousClock.now - warmStart)
        var naiveWarmPairs: [ProposedAssignment]?
        if runNaive {
            let start = ContinuousClock.now
            let pairs = NaiveScheduler(requests: left, workers: workload.workers).run()
            let elapsed = seconds(ContinuousClock.now - start)
            naiveWarmPairs = pairs
            if repetition > 0 { figures.naiveWarmRate.append(Double(pairs.count) / elapsed) }
        }
        if repetition > 0 { figures.indexWarmRate.append(Double(warmPairs.count) / warmElapsed) }
        figures.warmAssignments = warmPairs.count
        if repetition == 0 {
            if let naiveWarmPairs, naiveWarmPairs != warmPairs { fail("the warm runs disagree") }
            checkValid(warmPairs, Workload(requests: left, workers: workload.workers))
            checkValid(pairs, workload)
            if maximality { checkMaximal(pairs, workload) }
            if let naivePairs, naivePairs != pairs {
                fail("the index and the naive loop disagree (\(pairs.count) vs \(naivePairs.count) pairs)")
            }
        }
    }
    // Per-assignment latency: batches of one, on a freshly built index.
    var index = buildIndex(workload)
    var pairs: [ProposedAssignment] = []
    while true {
        let start = ContinuousClock.now
        let batch = index.nextAssignments(limit: 1)
        let elapsed = nanoseconds(ContinuousClock.now - start)
        guard !batch.isEmpty else { break }
        figures.indexLatencies.append(elapsed)
        pairs += batch
    }
    guard pairs.count == figures.assignments else { fail("batches of one made \(pairs.count) assignments") }
    return figures
}

func spread(_ values: [Double]) -> String {
    guard let low = values.min(), let high = values.max() else { return "-" }
    return String(format: "%.0f–%.0f", low, high)
}

func unmatchedFraction(_ workload: Workload) -> Double {
    let workerSides = Set(workload.workers.map { [$0.providedTags.sorted(), $0.requiredTags.sorted()] })
        .map { SchedulingTags(provided: $0[0], required: $0[1]) }
    let unmatched = workload.requests.filter { request in
        !workerSides.contains { TagMatching.taskCanRun(request.schedulingTags, on: $0) }
    }
    return Double(unmatched.count) / Double(max(1, workload.requests.count))
}

print("# Scheduler benchmark")
print("")
print("CPUs: \(ProcessInfo.processInfo.activeProcessorCount); repetitions: \(repetitions) (+1 warm-up); seed: \(seed)")
print("")
print("## BM1: 10,000 pending × 500 idle workers (concurrency 1)")
print("")
print(
    "| tags | assignments | unmatched WRs | task classes | worker classes | eligible pairs | "
        + "naive /s (median, range) | index cold run /s (median, range) | ratio | index build ms | "
        + "index build+run /s | ratio incl. build | warm: assignments, naive /s, index /s, ratio | "
        + "p50/p99 µs naive | p50/p99 µs index |"
)
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for shape in skipBM1 ? [] : [TagShape.profiled, .independent] {
    let workload = Workload(pending: 10_000, workers: 500, shape: shape, seed: seed)
    let figures = measure(workload, naive: true, maximality: true)
    let counters = figures.counters
    let taskClasses = buildIndex(workload).counters.taskClasses
    let naive = median(figures.naiveRate)
    let index = median(figures.indexRate)
    let withBuild = median(figures.indexWithBuildRate)
    print(
        String(
            format:
                "| %@ | %d | %.1f%% | %d | %d | %d | %.0f (%@) | %.0f (%@) | %.1f× | %.1f | %.0f | %.2f× | "
                    + "%d, %.0f, %.0f, %.1f× | %.0f / %.0f | %.0f / %.0f |",
            shape.rawValue,
            figures.assignments,
            100 * unmatchedFraction(workload),
            taskClasses,
            counters?.workerClasses ?? 0,
            counters?.eligiblePairsCached ?? 0,
            naive,
            spread(figures.naiveRate),
            index,
            spread(figures.indexRate),
            index / naive,
            1_000 * median(figures.buildSeconds),
            withBuild,
            withBuild / naive,
            figures.warmAssignments,
            median(figures.naiveWarmRate),
            median(figures.indexWarmRate),
            median(figures.indexWarmRate) / median(figures.naiveWarmRate),
            percentile(figures.naiveLatencies, 0.5),
            percentile(figures.naiveLatencies, 0.99),
            percentile(figures.indexLatencies, 0.5),
            percentile(figures.indexLatencies, 0.99)
        )
    )
}

if !skipGrid {
    print("")
    print("## BM6: scaling grid (profiled tags; index run, then naive loop for reference)")
    print("")
    print(
        "| pending | workers | assignments | task classes | worker classes | "
            + "index cold run /s (median, range) | index build ms | naive /s (median) | ratio | "
            + "warm index /s | warm naive /s | warm ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for pending in [1_000, 10_000, 50_000] {
        for workerCount in [50, 500, 2_000] {
            if let onlyPoint, onlyPoint != (pending, workerCount) { continue }
            let workload = Workload(pending: pending, workers: workerCount, shape: .profiled, seed: seed)
            let figures = measure(workload, naive: !skipNaive, maximality: false)
            let taskClasses = buildIndex(workload).counters.taskClasses
            let index = median(figures.indexRate)
            let naive = median(figures.naiveRate)
            print(
                String(
                    format: "| %d | %d | %d | %d | %d | %.0f (%@) | %.1f | %.0f | %.1f× | %.0f | %.0f | %.1f× |",
                    pending,
                    workerCount,
                    figures.assignments,
                    taskClasses,
                    figures.counters?.workerClasses ?? 0,
                    index,
                    spread(figures.indexRate),
                    1_000 * median(figures.buildSeconds),
                    naive,
                    index / naive,
                    median(figures.indexWarmRate),
                    median(figures.naiveWarmRate),
                    median(figures.indexWarmRate) / median(figures.naiveWarmRate)
                )
            )
        }
    }
}
