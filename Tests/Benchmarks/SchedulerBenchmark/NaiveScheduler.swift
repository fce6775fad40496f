import KilnCore

/// The reference loop, in process (Debusine 0.16's `schedule()` without SQL): repeated runs; in each, every
/// worker below capacity, in serving order, scans the pending queue in order and takes the first work request
/// it may run. Tags are compared as string sets with `TagMatching`, as the reference definition does.
struct NaiveScheduler {
    let queue: [PendingWorkRequest]
    let workers: [SchedulableWorker]

    /// Sorts once (part of the measured time: Debusine's query orders the queue too).
    init(requests: [PendingWorkRequest], workers: [SchedulableWorker]) {
        queue = requests.sorted { $0.queueKey < $1.queueKey }
        self.workers = workers.sorted { $0.orderKey < $1.orderKey }
    }

    static func mayRun(_ request: PendingWorkRequest, on worker: SchedulableWorker) -> Bool {
        TagMatching.taskCanRun(request.schedulingTags, on: worker.schedulingTags)
            && worker.taskNameFilter.permits(taskName: request.taskName)
    }

    /// Runs to exhaustion; `perAssignment` receives the nanoseconds each worker's successful scan took.
    func run(perAssignment: (UInt64) -> Void = { _ in }) -> [ProposedAssignment] {
        var taken = [Bool](repeating: false, count: queue.count)
        var free = workers.map { max(0, $0.concurrency - $0.currentLoad) }
        let workerTags = workers.map(\.schedulingTags)
        let requestTags = queue.map(\.schedulingTags)
        var pairs: [ProposedAssignment] = []
        var assignedThisRun = true
        while assignedThisRun {
            assignedThisRun = false
            for (position, worker) in workers.enumerated() where free[position] > 0 {
                let start = ContinuousClock.now
                var found: Int?
                for index in queue.indices where !taken[index] {
                    if TagMatching.taskCanRun(requestTags[index], on: workerTags[position]),
                        worker.taskNameFilter.permits(taskName: queue[index].taskName)
                    {
                        found = index
                        break
                    }
                }
                guard let found else { continue }
                taken[found] = true
                free[position] -= 1
                pairs.append(ProposedAssignment(workRequestID: queue[found].id, workerID: worker.id))
                assignedThisRun = true
                perAssignment(nanoseconds(ContinuousClock.now - start))
            }
        }
        return pairs
    }
}

/// A duration in whole nanoseconds.
func nanoseconds(_ duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
}
