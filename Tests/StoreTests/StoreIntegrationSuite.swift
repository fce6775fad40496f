import Testing

/// All store integration tests share one real cluster and one of them restarts it, so they run one at a
/// time (each still works in its own schema).
@Suite("PostgreSQL store (real cluster)", .serialized, .timeLimit(.minutes(2)))
struct StoreIntegration {}
