import Foundation

/// The facts about a worker that decide whether the scheduler may give it work (Debusine `db/models/workers.py`
/// `WorkerQuerySet.waiting_for_work_request`).
public struct WorkerAvailability: Hashable, Sendable, Identifiable {
    /// Worker id.
    public var id: Int
    /// Its kind; Celery (server-side) workers are exempt from token and metadata-freshness checks.
    public var workerType: WorkerType
    /// When it connected, or `nil` while disconnected.
    public var connectedAt: Date?
    /// When it last sent dynamic metadata (Debusine 0.16 freshness check).
    public var dynamicMetadataUpdatedAt: Date?
    /// Whether its token is enabled (an unknown worker registers disabled).
    public var tokenEnabled: Bool
    /// How many work requests it may hold at once.
    public var concurrency: Int
    /// How many PENDING or RUNNING work requests are assigned to it.
    public var activeWorkRequests: Int
    /// The worker pool it belongs to, `nil` for a static worker.
    public var workerPoolID: Int?

    /// Debusine 0.16: Dynamic metadata older than this makes a worker count as disconnected (the server asks for
    /// it every hour; 65 minutes leaves slack).
    public static let metadataFreshness: TimeInterval = 65 * 60

    /// Memberwise.
    public init(
        id: Int, workerType: WorkerType, connectedAt: Date?, dynamicMetadataUpdatedAt: Date?, tokenEnabled: Bool,
        concurrency: Int, activeWorkRequests: Int, workerPoolID: Int? = nil
    ) {
        self.id = id
        self.workerType = workerType
        self.connectedAt = connectedAt
        self.dynamicMetadataUpdatedAt = dynamicMetadataUpdatedAt
        self.tokenEnabled = tokenEnabled
        self.concurrency = concurrency
        self.activeWorkRequests = activeWorkRequests
        self.workerPoolID = workerPoolID
    }

    /// *at capacity*: it already holds `concurrency` PENDING/RUNNING work requests.
    public var isAtCapacity: Bool { activeWorkRequests >= concurrency }

    /// *connected* Debusine 0.16: has a connection and (Celery, or metadata refreshed within 65 minutes).
    public func isConnected(at now: Date) -> Bool {
        guard connectedAt != nil else { return false }
        if workerType == .celery { return true }
        guard let updated = dynamicMetadataUpdatedAt else { return false }
        return now.timeIntervalSince(updated) <= Self.metadataFreshness
    }

    /// *waiting for work*: connected, below capacity, and (Celery, or token enabled).
    public func isWaitingForWork(at now: Date) -> Bool {
        isConnected(at: now) && !isAtCapacity && (workerType == .celery || tokenEnabled)
    }

    /// The order the scheduler serves waiting workers: static workers (no pool) first, then by
    /// `connected_at` ascending, then by id so the order is total.
    public static func servedBefore(_ lhs: WorkerAvailability, _ rhs: WorkerAvailability) -> Bool {
        let lhsStatic = lhs.workerPoolID == nil
        let rhsStatic = rhs.workerPoolID == nil
        if lhsStatic != rhsStatic { return lhsStatic }
        let lhsConnected = lhs.connectedAt ?? .distantFuture
        let rhsConnected = rhs.connectedAt ?? .distantFuture
        if lhsConnected != rhsConnected { return lhsConnected < rhsConnected }
        return lhs.id < rhs.id
    }
}
