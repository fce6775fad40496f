import Synchronization

/// The named conditions that make a service ready (`/health/ready`): "broker" and "database" connected.
///
/// Connections flip their flag as they come and go; the ops server answers 200 only when every registered
/// condition holds, and 503 naming the ones that do not, so `docker compose ps` and load balancers see a
/// service that lost its broker as unhealthy without it crashing.
public final class Readiness: Sendable {
    private let conditions = Mutex<[String: Bool]>([:])

    /// Registers `names` as not yet holding, so `/health/ready` reports 503 until each connection comes up.
    public init(conditions names: [String] = []) {
        conditions.withLock { state in for name in names { state[name] = false } }
    }

    /// Sets one condition (registering it on first use).
    public func set(_ name: String, _ value: Bool) {
        conditions.withLock { $0[name] = value }
    }

    /// The names of the conditions that do not hold, sorted; empty when ready.
    public var failing: [String] {
        conditions.withLock { state in state.filter { !$0.value }.map(\.key).sorted() }
    }

    /// Whether every condition holds.
    public var isReady: Bool { failing.isEmpty }
}
