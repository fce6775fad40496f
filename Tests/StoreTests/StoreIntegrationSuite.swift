import Testing

/// The store integration tests share one real cluster. Each test works in its own schema (or touches no
/// table), so they run in parallel; the tests that restart the server live in
/// `DisruptivePostgreSQLRestartTests`, which `deploy/test` runs on its own afterwards.
@Suite("PostgreSQL store (real cluster)", .timeLimit(.minutes(2)))
struct StoreIntegration {}
