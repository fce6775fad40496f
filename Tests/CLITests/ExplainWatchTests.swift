import Foundation
import Store
import Testing

extension CLIIntegration {
    /// `kiln explain` and `kiln watch` on rows the test prepares (or updates) itself in its own schema.
    @Suite("kiln explain and kiln watch")
    struct ExplainWatchTests {
        /// A workspace `debian/dev`, made with the CLI.
        static func withWorkspace(_ body: (String, PGPool) async throws -> Void) async throws {
            try await CLITestDatabase.withSchema { pool, schema in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                try await body(schema, pool)
            }
        }

        /// Submits a noop work request and returns its id.
        static func submit(_ schema: String, _ extra: [String] = []) async throws -> Int {
            let submitted = try #require(
                try await KilnBinary.json(
                    ["submit", "noop", "--workspace", "debian/dev", "--set", "result=success", "--json"] + extra,
                    schema: schema
                ) as? [String: Any]
            )
            return try #require(submitted["id"] as? Int)
        }

        /// Inserts a worker row; `tags` are SQL array literals' contents.
        @discardableResult
        static func addWorker(
            _ pool: PGPool,
            name: String,
            provided: [String],
            required: [String] = [],
            enabled: Bool = true,
            connected: Bool = true,
            staticMetadata: String = "{}"
        ) async throws -> Int {
            func array(_ tags: [String]) -> String {
                "ARRAY[" + tags.map { "'\($0)'" }.joined(separator: ",") + "]::text[]"
            }
            let row = try await pool.query(
                """
                INSERT INTO workers (name, enabled, provided_tags, required_tags, connected_at, static_metadata)
                VALUES ($1, $2, \(array(provided)), \(array(required)), \(connected ? "now()" : "NULL"), $3::jsonb)
                RETURNING id
                """,
                name,
                enabled,
                staticMetadata
            )
            return try #require(try row.rows.first?.decode(Int.self, at: 0))
        }

        static let arm64 = ["worker:build-arch:arm64", "worker:class:external"]

        @Test(
            "explain: matching workers idle/busy/offline, a class lacking worker:build-arch:arm64, a worker requiring task:scope:acme, a denylist"
        )
        func explainPendingWorkRequest() async throws {
            try await Self.withWorkspace { schema, pool in
                let waiting = try await Self.submit(schema)
                let other = try await Self.submit(schema)
                let blocked = try await Self.submit(schema, ["--depends-on", String(other)])

                // Before the tag-computer: the work request waits in the pipeline, no worker classes yet.
                let early = try await KilnBinary.succeed(["explain", String(waiting)], schema: schema)
                #expect(early.contains("waiting for the lookup-resolver"), "\(early)")

                try await Self.addWorker(pool, name: "arm-idle", provided: Self.arm64)
                let busy = try await Self.addWorker(pool, name: "arm-busy", provided: Self.arm64)
                try await Self.addWorker(pool, name: "arm-offline", provided: Self.arm64, connected: false)
                try await Self.addWorker(
                    pool,
                    name: "amd-1",
                    provided: ["worker:build-arch:amd64", "worker:class:external"]
                )
                try await Self.addWorker(pool, name: "acme-arm", provided: Self.arm64, required: ["task:scope:acme"])
                try await Self.addWorker(
                    pool,
                    name: "arm-no-noop",
                    provided: Self.arm64,
                    staticMetadata: #"{"tasks_denylist": ["noop"]}"#
                )
                _ = try await pool.query(
                    """
                    UPDATE work_requests SET status = 'pending', pending_stage = NULL, pending_at = now(),
                        scheduler_tags_required = ARRAY['worker:build-arch:arm64', 'worker:class:external'],
                        scheduler_tags_provided = ARRAY['task:scope:debian']
                    WHERE id = $1
                    """,
                    waiting
                )
                _ = try await pool.query(
                    """
                    UPDATE work_requests SET status = 'running', pending_stage = NULL, worker_id = $2,
                        started_at = now() WHERE id = $1
                    """,
                    other,
                    busy
                )

                let explained = try #require(
                    try await KilnBinary.json(["explain", String(waiting), "--json"], schema: schema) as? [String: Any]
                )
                #expect(explained["state"] as? String == "waiting-for-worker")
                let matching = try #require(explained["matching_workers"] as? [String: Int])
                #expect(matching == ["idle": 1, "busy": 1, "offline": 1, "disabled": 0, "total": 3])
                let classes = try #require(explained["worker_classes"] as? [[String: Any]])
                func workerClass(_ name: String) throws -> [String: Any] {
                    try #require(classes.first { ($0["workers"] as? [String])?.contains(name) == true })
                }
                #expect(classes.count == 4)
                #expect(try workerClass("arm-idle")["workers"] as? [String] == ["arm-busy", "arm-idle", "arm-offline"])
                #expect(try workerClass("arm-idle")["can_run"] as? Bool == true)
                #expect(try workerClass("amd-1")["tags_worker_lacks"] as? [String] == ["worker:build-arch:arm64"])
                #expect(try workerClass("amd-1")["can_run"] as? Bool == false)
                #expect(try workerClass("acme-arm")["tags_task_lacks"] as? [String] == ["task:scope:acme"])
                #expect(try workerClass("arm-no-noop")["task_name_rejection"] as? String == "denylisted")

                let text = try await KilnBinary.succeed(["explain", String(waiting)], schema: schema)
                #expect(text.contains("pending: waiting for a worker"), "\(text)")
                #expect(text.contains("- it lacks required tags: worker:build-arch:arm64"), "\(text)")
                #expect(text.contains("- it requires tags the task does not provide: task:scope:acme"), "\(text)")
                #expect(text.contains("- its tasks_denylist includes the task"), "\(text)")
                #expect(text.contains("Summary: 3 matching workers (1 idle, 1 busy, 1 offline, 0 disabled)"), "\(text)")

                // Not pending: running on a worker, blocked on a dependency.
                let running = try await KilnBinary.succeed(["explain", String(other)], schema: schema)
                #expect(running.contains("running on worker arm-busy"), "\(running)")
                let blockedText = try await KilnBinary.succeed(["explain", String(blocked)], schema: schema)
                #expect(blockedText.contains("blocked on dependencies: \(other) (running)"), "\(blockedText)")

                let missing = try await KilnBinary.run(["explain", "999"], schema: schema)
                #expect(missing.status == 1, "\(missing)")
            }
        }

        @Test("watch follows a work request the test moves to running, then completed: one line per change, exit 0")
        func watchUntilCompleted() async throws {
            try await Self.withWorkspace { schema, pool in
                let id = try await Self.submit(schema)
                let worker = try await Self.addWorker(pool, name: "arm-1", provided: Self.arm64)
                let watch = try BackgroundKiln(
                    ["watch", String(id), "--interval", "100ms", "--timeout", "60s"],
                    schema: schema
                )
                #expect(try await watch.waitForOutput { $0.contains("pending-requested") }, "\(watch.stdout)")
                _ = try await pool.query(
                    """
                    UPDATE work_requests SET status = 'running', pending_stage = NULL, worker_id = $2,
                        pending_at = now(), started_at = now() WHERE id = $1
                    """,
                    id,
                    worker
                )
                #expect(try await watch.waitForOutput { $0.contains("running  worker=arm-1") }, "\(watch.stdout)")
                _ = try await pool.query(
                    "UPDATE work_requests SET status = 'completed', result = 'success', completed_at = now() WHERE id = $1",
                    id
                )
                let status = try await watch.exitStatus()
                #expect(status == 0, "stdout: \(watch.stdout) stderr: \(watch.stderr)")
                let lines = watch.stdout.split(separator: "\n").map(String.init)
                #expect(lines.count == 3, "\(lines)")
                #expect(lines.last?.contains("completed  worker=arm-1  result=success") == true, "\(lines)")
            }
        }

        @Test("watch: a failed work request prints its errors and exits 1; a timeout exits 69; --all prints lines")
        func watchFailureTimeoutAndAll() async throws {
            try await Self.withWorkspace { schema, pool in
                let failed = try await Self.submit(schema)
                _ = try await pool.query(
                    """
                    UPDATE work_requests SET status = 'completed', result = 'error', pending_stage = NULL,
                        completed_at = now(),
                        output_data = '{"errors": [{"message": "disk full", "code": "worker-error"}]}'::jsonb
                    WHERE id = $1
                    """,
                    failed
                )
                let failure = try await KilnBinary.run(["watch", String(failed)], schema: schema)
                #expect(failure.status == 1, "\(failure)")
                #expect(failure.stdout.contains("completed  result=error"), "\(failure)")
                #expect(failure.stdout.contains("  error: worker-error: disk full"), "\(failure)")

                let waiting = try await Self.submit(schema)
                let timedOut = try await KilnBinary.run(
                    ["watch", String(waiting), "--interval", "200ms", "--timeout", "1s"],
                    schema: schema
                )
                #expect(timedOut.status == 69, "\(timedOut)")
                #expect(timedOut.stderr.contains("timed out after 1s"), "\(timedOut)")

                let all = try await KilnBinary.run(
                    ["watch", "--all", "--workspace", "debian/dev", "--interval", "200ms", "--timeout", "1s"],
                    schema: schema
                )
                #expect(all.status == 0, "\(all)")
                let lines = all.stdout.split(separator: "\n")
                #expect(lines.count == 2, "one line per work request, none repeated while unchanged: \(all)")
                #expect(lines.first?.contains("\(failed)  debian/dev  noop  completed") == true, "\(all)")
                #expect(lines.last?.contains("\(waiting)  debian/dev  noop  pending-requested") == true, "\(all)")

                let usage = try await KilnBinary.run(["watch"], schema: schema)
                #expect(usage.status == 64, "\(usage)")
            }
        }
    }
}
