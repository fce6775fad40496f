import Store

extension PGPool {
    /// A transaction run again (up to `attempts` times) when a compare-and-set lost a race: the operation
    /// re-reads the rows and re-plans, so a concurrent service never makes a CLI command fail spuriously.
    nonisolated func withCASRetry<Result: Sendable>(
        attempts: Int = 3,
        _ body: (isolated PGConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await withTransaction(body)
            } catch let error as RepositoryError {
                guard case .concurrentUpdate = error, attempt < attempts else { throw error }
                attempt += 1
            }
        }
    }
}

/// The user a command acts as: `--created-by`/`--by` when given, else `$USER`, else `kiln`.
enum ActingUser {
    static func name(_ given: String?) -> String {
        if let given, !given.isEmpty { return given }
        if let user = ProcessInfoUser.current, !user.isEmpty { return user }
        return "kiln"
    }
}
