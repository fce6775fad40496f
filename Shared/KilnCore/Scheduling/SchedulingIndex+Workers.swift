extension SchedulingIndex {
    /// Adds a worker waiting for work (connected, enabled).
    ///
    /// - Throws: `SchedulingIndexError.duplicateWorker` if the id is already held, `.invalidCapacity` for a
    ///   negative concurrency or load.
    public mutating func addWorker(_ worker: SchedulableWorker) throws(SchedulingIndexError) {
        try Self.validateCapacity(of: worker)
        guard workers[worker.id] == nil else { throw .duplicateWorker(id: worker.id) }
        let classID = acquireWorkerClass(for: worker)
        workers[worker.id] = WorkerState(worker: worker, workerClassID: classID)
        servingOrderIsStale = true
    }

    /// Replaces a worker's data with a fresh reading (metadata, load, connection time). Its outstanding
    /// proposals stay counted against its slots, and a worker set aside by a failed compare-and-set is
    /// schedulable again.
    ///
    /// - Throws: `SchedulingIndexError.unknownWorker` if the id is not held, `.invalidCapacity` for a negative
    ///   concurrency or load.
    public mutating func updateWorker(_ worker: SchedulableWorker) throws(SchedulingIndexError) {
        try Self.validateCapacity(of: worker)
        guard let state = workers[worker.id] else { throw .unknownWorker(id: worker.id) }
        var classID = state.workerClassID
        if workerClasses[classID]?.key != workerClassKey(for: worker) {
            releaseWorkerClass(classID)
            classID = acquireWorkerClass(for: worker)
        }
        if state.worker.orderKey != worker.orderKey { servingOrderIsStale = true }
        workers[worker.id]?.worker = worker
        workers[worker.id]?.workerClassID = classID
        workers[worker.id]?.awaitingReread = false
    }

    /// Records a worker's current load (assigned PENDING or RUNNING work requests), e.g. after one completed.
    ///
    /// - Throws: `SchedulingIndexError.unknownWorker` if the id is not held, `.invalidCapacity` for a
    ///   negative load.
    public mutating func updateWorkerLoad(id: Int, currentLoad: Int) throws(SchedulingIndexError) {
        guard var worker = workers[id]?.worker else { throw .unknownWorker(id: id) }
        worker.currentLoad = currentLoad
        try Self.validateCapacity(of: worker)
        workers[id]?.worker.currentLoad = currentLoad
    }

    /// Removes a worker (disconnected, disabled). Its outstanding proposals can still be answered.
    ///
    /// - Returns: whether the index held it.
    @discardableResult
    public mutating func removeWorker(id: Int) -> Bool {
        guard let state = workers.removeValue(forKey: id) else { return false }
        releaseWorkerClass(state.workerClassID)
        servingOrderIsStale = true
        return true
    }

    /// The worker with this id as last given to the index.
    public func worker(id: Int) -> SchedulableWorker? { workers[id]?.worker }

    /// Slots the worker has free for new proposals (0 for an unknown worker or one awaiting a re-read).
    public func freeSlots(ofWorker id: Int) -> Int { workers[id]?.freeSlots ?? 0 }

    // MARK: Worker classes

    static func validateCapacity(of worker: SchedulableWorker) throws(SchedulingIndexError) {
        guard worker.concurrency >= 0, worker.currentLoad >= 0 else {
            throw .invalidCapacity(
                workerID: worker.id,
                concurrency: worker.concurrency,
                currentLoad: worker.currentLoad
            )
        }
    }

    mutating func workerClassKey(for worker: SchedulableWorker) -> WorkerClassKey {
        WorkerClassKey(
            provided: tagDictionary.bitset(of: worker.providedTags),
            required: tagDictionary.bitset(of: worker.requiredTags),
            taskNameFilter: worker.taskNameFilter
        )
    }

    mutating func acquireWorkerClass(for worker: SchedulableWorker) -> Int {
        let key = workerClassKey(for: worker)
        if let classID = workerClassIDs[key] {
            workerClasses[classID]?.memberCount += 1
            return classID
        }
        if !key.required.isSubset(of: workerRequiredTags) {
            workerRequiredTags = workerRequiredTags.union(key.required)
            // Classes made under the narrower projection must be rebuilt; with none yet there is nothing to do.
            if liveTaskClassCount > 0 { needsReclassification = true }
        }
        var workerClass = WorkerClass(key: key, providedTags: worker.providedTags, requiredTags: worker.requiredTags)
        workerClass.memberCount = 1
        let classID: Int
        if let free = freeWorkerClassIDs.popLast() {
            classID = free
            workerClasses[classID] = workerClass
            candidateCaches[classID] = WorkerClassCandidates()
        } else {
            classID = workerClasses.count
            workerClasses.append(workerClass)
            candidateCaches.append(WorkerClassCandidates())
        }
        workerClassIDs[key] = classID
        return classID
    }

    mutating func releaseWorkerClass(_ classID: Int) {
        guard let workerClass = workerClasses[classID] else { return }
        if workerClass.memberCount > 1 {
            workerClasses[classID]?.memberCount -= 1
            return
        }
        workerClassIDs.removeValue(forKey: workerClass.key)
        workerClasses[classID] = nil
        candidateCaches[classID] = WorkerClassCandidates()
        freeWorkerClassIDs.append(classID)
    }

    /// Worker ids in serving order, computed if the cached order is stale.
    func workerIDsInServingOrder() -> [Int] {
        guard servingOrderIsStale else { return servingOrder }
        return workers.values.map(\.worker.orderKey).sorted().map(\.workerID)
    }

    mutating func refreshServingOrder() {
        guard servingOrderIsStale else { return }
        servingOrder = workerIDsInServingOrder()
        servingOrderIsStale = false
    }
}
