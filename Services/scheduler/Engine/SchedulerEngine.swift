import Foundation
import KilnCore
import Logging
import Metrics
import Store
import Synchronization

/// The active scheduler's matching loop: it owns the in-memory `SchedulingIndex` (PostgreSQL stays the
/// truth), rebuilds it when the instance becomes active, follows the rows events and sweeps mark dirty,
/// and commits the index's proposals in batches — one transaction per batch, one compare-and-set per row.
///
/// Only this actor touches the index, and only from ``run()``'s loop, so a worker's load read from
/// PostgreSQL never races an assignment the loop is still committing.
actor SchedulerEngine {
    private let pool: PGPool
    private let configuration: SchedulerConfiguration
    private let sweepInterval: Duration
    private let logger: Logger
    /// Checked at the start of every assignment transaction: a deposed instance writes nothing.
    private let fence: SchedulerFence
    /// Rows to re-read; shared with the event handler and the sweeps.
    nonisolated let dirty = DirtySet()
    /// Wakes the loop (after an event committed, a sweep found something, or on shutdown).
    nonisolated let wake = WakeSignal()
    /// Wakes the outbox relay after a commit that wrote events.
    private let afterCommit: @Sendable () -> Void
    private var index = SchedulingIndex()
    /// Set by ``stop()`` from any task; read by the loop.
    private nonisolated let stopRequested = Mutex(false)
    private var stopped: Bool { stopRequested.withLock { $0 } }

    init(
        pool: PGPool, configuration: SchedulerConfiguration, sweepInterval: Duration, fence: SchedulerFence,
        logger: Logger, afterCommit: @escaping @Sendable () -> Void
    ) {
        self.pool = pool
        self.fence = fence
        self.configuration = configuration
        self.sweepInterval = sweepInterval
        self.logger = logger
        self.afterCommit = afterCommit
    }

    /// Asks ``run()`` to return after its current round.
    nonisolated func stop() {
        stopRequested.withLock { $0 = true }
        wake.signal()
    }

    /// Rebuilds the index, then schedules until ``stop()`` or cancellation: each round applies the dirty
    /// rows, sweeps for drift when due, and assigns until the index proposes nothing more.
    func run() async {
        while !stopped && !Task.isCancelled {
            do {
                try await rebuild()
                break
            } catch {
                logger.warning("could not rebuild the scheduling index; retrying", metadata: ["error": "\(error)"])
                await wake.wait(timeout: .seconds(1))
            }
        }
        var lastSweep = ContinuousClock.now
        while !stopped && !Task.isCancelled {
            do {
                try await applyDirtyRows()
                if ContinuousClock.now - lastSweep >= sweepInterval {
                    lastSweep = ContinuousClock.now
                    try await sweepDrift()
                }
                try await assignAll()
                publishGauges()
            } catch is CancellationError {
                break
            } catch {
                logger.warning("scheduling round failed; retried next round", metadata: ["error": "\(error)"])
            }
            await wake.wait(timeout: configuration.tick)
        }
    }

    // MARK: Index from PostgreSQL

    /// Reads every schedulable worker, then every pending unassigned work request (workers first, so the
    /// index never has to reclassify the work requests for a newly seen worker-required tag).
    func rebuild() async throws {
        let started = ContinuousClock.now
        let (workers, requests) = try await pool.withConnection { conn in
            (try await WorkerRepository.schedulable(on: conn), try await WorkRequestRepository.pendingForScheduling(on: conn))
        }
        var fresh = SchedulingIndex()
        for worker in workers { try fresh.addWorker(worker) }
        for request in requests { try fresh.addWorkRequest(request) }
        index = fresh
        _ = dirty.drain()
        logger.notice(
            "scheduling index rebuilt from PostgreSQL",
            metadata: [
                "workers": "\(workers.count)", "pending": "\(requests.count)",
                "duration": "\(ContinuousClock.now - started)",
            ])
    }

    /// Re-reads the rows marked dirty and brings the index in line: a schedulable worker is added or
    /// updated (with its load), any other removed; a pending unassigned work request is added or updated,
    /// any other removed.
    func applyDirtyRows() async throws {
        let (requestIDs, workerIDs) = dirty.drain()
        guard !requestIDs.isEmpty || !workerIDs.isEmpty else { return }
        do {
            let (workers, requests) = try await pool.withConnection { conn in
                (
                    workerIDs.isEmpty ? [] : try await WorkerRepository.schedulable(ids: workerIDs, on: conn),
                    requestIDs.isEmpty ? [] : try await WorkRequestRepository.pendingForScheduling(ids: requestIDs, on: conn)
                )
            }
            let schedulableWorkers = Dictionary(uniqueKeysWithValues: workers.map { ($0.id, $0) })
            for id in workerIDs {
                if let worker = schedulableWorkers[id] {
                    if index.worker(id: id) == nil { try index.addWorker(worker) } else { try index.updateWorker(worker) }
                } else if index.removeWorker(id: id) {
                    logger.info("worker left scheduling", metadata: ["worker": "\(id)"])
                }
            }
            let pending = Dictionary(uniqueKeysWithValues: requests.map { ($0.id, $0) })
            for id in requestIDs {
                if let request = pending[id] {
                    if index.pendingWorkRequest(id: id) == nil {
                        do {
                            try index.addWorkRequest(request)
                        } catch .duplicateWorkRequest {
                            try index.updateWorkRequest(request)
                        }
                    } else {
                        try index.updateWorkRequest(request)
                    }
                } else {
                    index.removeWorkRequest(id: id)
                }
            }
        } catch {
            // Nothing was lost: mark the rows again so the next round retries them.
            for id in requestIDs { dirty.workRequestChanged(id) }
            for id in workerIDs { dirty.workerChanged(id) }
            throw error
        }
    }

    /// A lost or unprocessable `wr.pending` must delay work, never lose it: pending unassigned work requests
    /// the index does not hold are marked dirty, and every worker is re-read (its load or connection may
    /// have changed without an event reaching us).
    func sweepDrift() async throws {
        let (ids, workers) = try await pool.withConnection { conn in
            (
                try await WorkRequestRepository.pendingForSchedulingIDs(on: conn),
                try await WorkerRepository.schedulable(on: conn)
            )
        }
        var missing = 0
        for id in ids where index.pendingWorkRequest(id: id) == nil {
            dirty.workRequestChanged(id)
            missing += 1
        }
        for worker in workers { dirty.workerChanged(worker.id) }
        let counters = index.counters
        if counters.workers > workers.count {
            // Workers the index holds that PostgreSQL no longer calls schedulable: rebuilding is simplest.
            try await rebuild()
        }
        Counter(label: "kiln_sweeps_total", dimensions: [("service", "scheduler"), ("sweep", "index-drift"), ("outcome", "ok")])
            .increment()
        Counter(label: "kiln_sweep_items_total", dimensions: [("service", "scheduler"), ("sweep", "index-drift")])
            .increment(by: missing)
        if missing > 0 {
            logger.notice("sweep found pending work requests missing from the index", metadata: ["items": "\(missing)"])
        }
        try await applyDirtyRows()
    }

    // MARK: Assignment

    /// Commits batches of proposals until the index has none left.
    func assignAll() async throws {
        while !stopped {
            let proposals = index.nextAssignments(limit: configuration.batchSize)
            guard !proposals.isEmpty else { return }
            try await commit(proposals)
        }
    }

    /// One batch, one transaction. Won rows are confirmed in the index; a row whose work request was taken
    /// is dropped; a refused worker is re-read. A failed transaction gives every proposal back.
    private func commit(_ proposals: [ProposedAssignment]) async throws {
        let outcome: AssignmentBatchOutcome
        let leaseDuration = configuration.leaseDuration
        let fence = self.fence
        do {
            outcome = try await pool.withTransaction { conn in
                try await fence.check(on: conn)
                return try await WorkRequestRepository.commitAssignments(proposals, leaseDuration: leaseDuration, on: conn)
            }
        } catch {
            for proposal in proposals { try? index.rollback(proposal, because: .abandoned) }
            throw error
        }
        let committed = Set(outcome.committed.map { ProposedAssignment(workRequestID: $0.workRequest.rawValue, workerID: $0.worker.rawValue) })
        for proposal in proposals where committed.contains(proposal) { try index.confirm(proposal) }
        for proposal in outcome.workRequestTaken { try index.rollback(proposal, because: .workRequestTaken) }
        for proposal in outcome.workerRefused {
            try index.rollback(proposal, because: .workerChanged)
            dirty.workerChanged(proposal.workerID)
        }
        if !outcome.committed.isEmpty { afterCommit() }
        Counter(label: "kiln_scheduler_assignments_total").increment(by: outcome.committed.count)
        if !outcome.workRequestTaken.isEmpty {
            Counter(label: "kiln_scheduler_assignment_conflicts_total", dimensions: [("reason", "work-request-taken")])
                .increment(by: outcome.workRequestTaken.count)
        }
        if !outcome.workerRefused.isEmpty {
            Counter(label: "kiln_scheduler_assignment_conflicts_total", dimensions: [("reason", "worker-refused")])
                .increment(by: outcome.workerRefused.count)
        }
        for assignment in outcome.committed {
            logger.info(
                "work request assigned",
                metadata: [
                    "wr.id": "\(assignment.workRequest)", "worker": "\(assignment.worker)",
                    "epoch": "\(assignment.epoch)",
                ])
        }
    }

    private func publishGauges() {
        let counters = index.counters
        Gauge(label: "kiln_scheduler_pending_work_requests").record(counters.pendingWorkRequests)
        Gauge(label: "kiln_scheduler_workers").record(counters.workers)
        Gauge(label: "kiln_scheduler_task_classes").record(counters.taskClasses)
    }
}
