import Foundation
import Store
import Testing

/// Lets two tasks meet: each arrives and waits until `parties` have arrived.
actor Rendezvous {
    private let parties: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) { self.parties = parties }

    func arriveAndWait() async {
        arrived += 1
        if arrived >= parties {
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

actor AttemptCounter {
    private(set) var attempts: [String: Int] = [:]
    func next(_ name: String) -> Int {
        attempts[name, default: 0] += 1
        return attempts[name, default: 0]
    }
}

struct DeliberateFailure: Error {}

/// Counts how many callers hold a pooled connection at once.
actor BorrowGauge {
    private var current = 0
    private(set) var peak = 0
    private(set) var total = 0

    func enter() {
        current += 1
        total += 1
        peak = max(peak, current)
    }

    func leave() { current -= 1 }
}

extension StoreIntegration {
    @Suite("Transactions and error mapping")
    struct TransactionAndErrorTests {
        @Test("a transaction whose body throws is rolled back and the connection stays usable")
        func rollbackOnThrow() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                try await pool.query("CREATE TABLE notes (id bigint PRIMARY KEY, text text NOT NULL)")
                await #expect(throws: DeliberateFailure.self) {
                    try await pool.withTransaction { conn in
                        try conn.execute("INSERT INTO notes VALUES ($1, $2)", 1, "rolled back")
                        throw DeliberateFailure()
                    }
                }
                try await pool.withTransaction { conn in
                    try conn.execute("INSERT INTO notes VALUES ($1, $2)", 2, "kept")
                }
                let texts = try await pool.query("SELECT text FROM notes ORDER BY id").rows.map {
                    try $0.decode(String.self, at: 0)
                }
                #expect(texts == ["kept"])
            }
        }

        @Test("a body that swallows a failed statement's error does not 'commit': transactionFailed, nothing kept")
        func swallowedErrorIsNotCommitted() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                try await pool.query("CREATE TABLE notes (id bigint PRIMARY KEY, text text NOT NULL)")
                await #expect {
                    try await pool.withTransaction { conn in
                        try conn.execute("INSERT INTO notes VALUES ($1, $2)", 1, "before the failure")
                        _ = try? conn.execute("INSERT INTO notes VALUES ($1, $2)", 1, "duplicate key")
                    }
                } throws: { error in
                    if case PGError.transactionFailed = error { return true }
                    return false
                }
                #expect(try await pool.query("SELECT count(*) FROM notes").rows[0].decode(Int.self, at: 0) == 0)
                try await pool.withTransaction { conn in try conn.execute("INSERT INTO notes VALUES ($1, $2)", 2, "kept") }
            }
        }

        @Test("nested transactions are refused instead of silently committing early")
        func nestedTransactionRefused() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                await #expect(throws: PGError.self) {
                    try await pool.withTransaction { conn in
                        try await conn.withTransaction { _ in 1 }
                    }
                }
            }
        }

        @Test("a duplicate key maps to uniqueViolation with the constraint name and detail")
        func uniqueViolation() async throws {
            try await TestDatabase.withSchema { pool, _ in
                try await pool.query("INSERT INTO scopes (name) VALUES ($1)", "debian")
                let error = await #expect(throws: PGError.self) {
                    try await pool.query("INSERT INTO scopes (name) VALUES ($1)", "debian")
                }
                let serverError = try #require(error?.serverError)
                #expect(error?.isUniqueViolation == true)
                #expect(error?.isRetryable == false)
                #expect(serverError.sqlState == "23505")
                #expect(serverError.constraint == "scopes_name_key")
                #expect(serverError.detail?.contains("(name)=(debian) already exists") == true)
                #expect(serverError.table == "scopes")
            }
        }

        @Test("a CHECK constraint rejects an unknown work request status")
        func checkViolation() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let workspace = try await Self.makeWorkspace(pool)
                let error = await #expect(throws: PGError.self) {
                    try await pool.query(
                        "INSERT INTO work_requests (workspace_id, task_type, task_name, status) VALUES ($1, $2, $3, $4)",
                        workspace,
                        "Worker",
                        "noop",
                        "sleeping"
                    )
                }
                #expect(error?.code == .checkViolation)
                #expect(error?.serverError?.constraint == "work_requests_status_check")
            }
        }

        @Test("a deadlock between two connections maps to a retryable deadlockDetected")
        func deadlockIsRetryable() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                try await pool.query("CREATE TABLE counters (id bigint PRIMARY KEY, value bigint NOT NULL)")
                try await pool.query("INSERT INTO counters VALUES (1, 0), (2, 0)")
                let bothLocked = Rendezvous(parties: 2)
                let outcomes = await withTaskGroup(of: PGError?.self) { group in
                    for (first, second) in [(1, 2), (2, 1)] {
                        group.addTask {
                            do {
                                try await pool.withTransaction { conn in
                                    try conn.execute("UPDATE counters SET value = value + 1 WHERE id = $1", first)
                                    await bothLocked.arriveAndWait()
                                    try conn.execute(
                                        "UPDATE counters SET value = value + 1 WHERE id = $1",
                                        second
                                    )
                                }
                                return nil
                            } catch let error as PGError {
                                return error
                            } catch {
                                return PGError.unexpectedResult(status: "other error", message: "\(error)")
                            }
                        }
                    }
                    var collected: [PGError?] = []
                    for await outcome in group { collected.append(outcome) }
                    return collected
                }
                let failures = outcomes.compactMap { $0 }
                #expect(failures.count == 1, "exactly one transaction is the deadlock victim: \(failures)")
                #expect(failures.first?.code == .deadlockDetected)
                #expect(failures.first?.isRetryable == true)
                #expect(failures.first?.serverError?.sqlState == "40P01")
            }
        }

        @Test("withRetryingTransaction runs a deadlock victim again until both commit")
        func retryingTransactionRecovers() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                try await pool.query("CREATE TABLE counters (id bigint PRIMARY KEY, value bigint NOT NULL)")
                try await pool.query("INSERT INTO counters VALUES (1, 0), (2, 0)")
                let bothLocked = Rendezvous(parties: 2)
                let counter = AttemptCounter()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (name, first, second) in [("a", 1, 2), ("b", 2, 1)] {
                        group.addTask {
                            try await pool.withRetryingTransaction { conn in
                                let attempt = await counter.next(name)
                                try conn.execute("UPDATE counters SET value = value + 1 WHERE id = $1", first)
                                if attempt == 1 { await bothLocked.arriveAndWait() }
                                try conn.execute("UPDATE counters SET value = value + 1 WHERE id = $1", second)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let values = try await pool.query("SELECT value FROM counters ORDER BY id").rows.map {
                    try $0.decode(Int.self, at: 0)
                }
                #expect(values == [2, 2], "both transactions committed exactly once")
                let attempts = await counter.attempts
                #expect(attempts.values.reduce(0, +) == 3, "one victim ran twice: \(attempts)")
            }
        }

        @Test("a serializable write skew fails one side with a retryable serializationFailure")
        func serializationFailureIsRetryable() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                try await pool.query("CREATE TABLE oncall (name text PRIMARY KEY, on_duty boolean NOT NULL)")
                try await pool.query("INSERT INTO oncall VALUES ('alice', true), ('bob', true)")
                let bothRead = Rendezvous(parties: 2)
                let outcomes = await withTaskGroup(of: PGError?.self) { group in
                    for name in ["alice", "bob"] {
                        group.addTask {
                            do {
                                try await pool.withTransaction(isolation: .serializable) { conn in
                                    let onDuty = try conn.query("SELECT count(*) FROM oncall WHERE on_duty").rows[
                                        0
                                    ]
                                    .decode(Int.self, at: 0)
                                    await bothRead.arriveAndWait()
                                    if onDuty >= 2 {
                                        try conn.execute(
                                            "UPDATE oncall SET on_duty = false WHERE name = $1",
                                            name
                                        )
                                    }
                                }
                                return nil
                            } catch let error as PGError {
                                return error
                            } catch {
                                return PGError.unexpectedResult(status: "other error", message: "\(error)")
                            }
                        }
                    }
                    var collected: [PGError?] = []
                    for await outcome in group { collected.append(outcome) }
                    return collected
                }
                let failures = outcomes.compactMap { $0 }
                #expect(failures.count == 1, "one side must fail: \(failures)")
                #expect(failures.first?.code == .serializationFailure)
                #expect(failures.first?.isRetryable == true)
            }
        }

        @Test("a pool never lends more connections than its size; extra callers wait their turn")
        func poolWaitsWhenExhausted() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil, size: 1)
            let borrowers = BorrowGauge()
            let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await pool.withConnection { conn in
                            await borrowers.enter()
                            try await conn.query("SELECT pg_sleep(0.05)")
                            await borrowers.leave()
                            return try #require(await conn.backendPID)
                        }
                    }
                }
                var collected: Set<Int32> = []
                for try await pid in group { collected.insert(pid) }
                return collected
            }
            #expect(pids.count == 1, "all four callers shared the single session")
            #expect(await borrowers.peak == 1, "never two borrowers at once")
            #expect(await borrowers.total == 4)
            await pool.close()
            await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
        }

        static func makeWorkspace(_ pool: PGPool) async throws -> Int {
            let scope = try await pool.query("INSERT INTO scopes (name) VALUES ($1) RETURNING id", "debian").rows[0]
                .decode(Int.self, at: 0)
            return try await pool.query(
                "INSERT INTO workspaces (scope_id, name) VALUES ($1, $2) RETURNING id",
                scope,
                "System"
            ).rows[0].decode(Int.self, at: 0)
        }
    }
}
