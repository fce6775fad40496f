import AMQP
import Foundation
import KilnCore
import KilnRuntime
import KilnTestSupport
import Store
import Testing

/// The real `tag-computer` executable against the real PostgreSQL and RabbitMQ (own schema and vhost per
/// test). Every test also checks that the service exits 0 on SIGTERM.
@Suite("tag-computer service (real executable, real servers)", .timeLimit(.minutes(3)))
struct TagComputerServiceTests {
    static let example1Provided = [
        "task:group:debian::Debian", "task:scope:debian", "task:source-package:hello",
        "task:workspace:debian:developers",
    ]
    static let example1Required = [
        "worker:build-arch:amd64", "worker:cap:sbuild", "worker:executor:unshare",
        "worker:task:worker:sbuild:version:1", "worker:type:external",
    ]

    /// Waits until the work request leaves `inputs-resolved`, then returns it.
    static func settled(_ harness: TagComputerHarness, _ id: Int) async throws -> StoredWorkRequest {
        let pool = harness.pool
        let done = await eventually {
            try await TagComputerWorld.load(pool, id).workRequest.pendingStage == nil
        }
        #expect(done, "work request \(id) left inputs-resolved; service output:\n\(harness.service.log)")
        return try await TagComputerWorld.load(pool, id)
    }

    @Test("sbuild of hello at inputs-resolved becomes pending with exactly TP/TR, audited; duplicates change nothing (deploy/docs/tags.md, worked example 1)")
    func example1() async throws {
        let status = try await TagComputerHarness.with { harness in
            let alice = try await TagComputerWorld.populate(harness.pool)
            let id = try await TagComputerWorld.atInputsResolved(harness.pool, creator: alice)
            let stored = try await Self.settled(harness, id)
            let request = stored.workRequest
            #expect(request.status == .pending && request.pendingAt != nil)
            #expect(request.schedulerTagsProvided.sorted() == Self.example1Provided)
            #expect(request.schedulerTagsRequired.sorted() == Self.example1Required)
            #expect(request.configuredTaskData?.value(atPath: "build_dep_resolver") == "aptitude")
            #expect(request.configuredTaskData?.value(atPath: "task_configuration") == 12)
            #expect(request.pendingStageData?.value(atPath: "task_input_fields.environment") != nil)
            #expect(request.dynamicTaskData == nil, "dynamic data is an assignment's, computed after assignment")

            let audit = try await TagComputerWorld.audit(harness.pool, .workRequest(id))
            #expect(audit.filter { $0.setKind == .provided && $0.action == .added }.map(\.tag).sorted() == Self.example1Provided)
            #expect(audit.filter { $0.setKind == .required && $0.action == .added }.map(\.tag).sorted() == Self.example1Required)
            #expect(audit.allSatisfy { $0.provenance == "system" && $0.action == .added })
            let pendingEvents = await eventually {
                let pendingCount = try await harness.outboxKeys().filter { $0 == "wr.pending" }.count
                let published = try await harness.outboxPublished()
                return pendingCount == 1 && published
            }
            #expect(pendingEvents)

            // The same message again (same message id: the inbox), and a new doorbell for the same work
            // request (new message id: the compare-and-set): neither has a second effect.
            let inboxRow = try #require(
                try await harness.pool.query(
                    "SELECT message_id FROM inbox WHERE consumer = 'tag-computer' ORDER BY received_at LIMIT 1"
                ).first)
            let messageID = try inboxRow.decode(String.self, at: 0)
            let body = try MessageCodec.encode(EventBody(workRequestID: id))
            try await harness.publishToInbox(type: "wr.inputs-resolved", body: body, messageID: messageID)
            try await harness.publishToInbox(type: "wr.inputs-resolved", body: body)
            let bothSeen = await eventually {
                harness.service.logLines().filter {
                    ["duplicate event acknowledged without effect", "event handled"].contains($0["msg"] as? String ?? "")
                }.count >= 3
            }
            #expect(bothSeen, "\(harness.service.log)")
            #expect(try await TagComputerWorld.audit(harness.pool, .workRequest(id)).count == audit.count)
            #expect(try await harness.outboxKeys().filter { $0 == "wr.pending" }.count == 1)
            #expect(try await TagComputerWorld.load(harness.pool, id).workRequest == request)
        }
        #expect(status == 0, "SIGTERM exits 0")
    }

    @Test("require_tags [worker:class:large] for libreoffice lands in TR with workspace provenance and its entry (deploy/docs/tags.md, worked example 2)")
    func libreofficeRequiresLarge() async throws {
        let status = try await TagComputerHarness.with { harness in
            let alice = try await TagComputerWorld.populate(harness.pool)
            let data = try TagComputerWorld.helloSbuild.setting(
                .int(TaskFixture.Artifact.libreofficeSource), atPath: "input.source_artifact")
            let id = try await TagComputerWorld.atInputsResolved(harness.pool, creator: alice, taskData: data)
            let request = try await Self.settled(harness, id).workRequest
            #expect(request.status == .pending)
            #expect(request.schedulerTagsRequired.contains("worker:class:large"))
            #expect(request.schedulerTagsProvided.contains("task:source-package:libreoffice"))
            let large = try await TagComputerWorld.audit(harness.pool, .workRequest(id)).filter {
                $0.tag == "worker:class:large"
            }
            #expect(large.count == 1)
            #expect(large.first?.setKind == .required && large.first?.action == .added)
            #expect(large.first?.provenance == "workspace")
            #expect(large.first?.rule == "task configuration 12: Worker:sbuild:libreoffice:")
        }
        #expect(status == 0)
    }

    @Test("provide_tags [task:scope:acme] from configuration is dropped and audited with the rule (deploy/docs/tags.md, worked example 4)")
    func forgedScopeDropped() async throws {
        let status = try await TagComputerHarness.with { harness in
            let alice = try await TagComputerWorld.populate(harness.pool)
            let data = try TagComputerWorld.helloSbuild.setting(
                "experimental@debusine:task-configuration", atPath: "task_configuration")
            let id = try await TagComputerWorld.atInputsResolved(harness.pool, creator: alice, taskData: data)
            let request = try await Self.settled(harness, id).workRequest
            #expect(request.status == .pending)
            #expect(!request.schedulerTagsProvided.contains("task:scope:acme"))
            #expect(request.schedulerTagsProvided.contains("task:scope:debian"))
            #expect(request.schedulerTagsProvided.contains("pool:experimental"))
            // The configuration's override of build_architecture re-resolved the environment for arm64.
            #expect(request.schedulerTagsRequired.contains("worker:build-arch:arm64"))
            let audit = try await TagComputerWorld.audit(harness.pool, .workRequest(id))
            let acme = try #require(audit.first { $0.tag == "task:scope:acme" })
            #expect(acme.action == .dropped && acme.provenance == "workspace" && acme.setKind == .provided)
            #expect(
                acme.rule
                    == "prefix rule 'task:scope:*' allows only system; proposed by task configuration 14: Worker:sbuild::")
            let pool = try #require(audit.first { $0.tag == "pool:experimental" })
            #expect(pool.action == .added && pool.rule == "task configuration 14: Worker:sbuild::")
        }
        #expect(status == 0)
    }

    /// Debusine `db/tasks/base.py` `DBTask.apply_task_configuration` configures the data without building a task from
    /// it and tags the task as submitted; the invalid data fails only when a worker asks (`server/scheduler.py`
    /// `_assign_work_request_to_worker`, test `test_with_failing_configure_call`; the lookup-resolver's
    /// `configuredDataFailsAtAssignment`).
    @Test("configured data the task's model refuses: pending, tagged as submitted, the data kept for the assignment to refuse")
    func scenario13() async throws {
        let status = try await TagComputerHarness.with { harness in
            let alice = try await TagComputerWorld.populate(harness.pool)
            let data = try TagComputerWorld.helloSbuild.setting(
                "broken@debusine:task-configuration", atPath: "task_configuration")
            let id = try await TagComputerWorld.atInputsResolved(harness.pool, creator: alice, taskData: data)
            let request = try await Self.settled(harness, id).workRequest
            #expect(request.status == .pending && request.pendingStage == nil)
            #expect(request.configuredTaskData?.value(atPath: "build_components") == ["binary"])
            #expect(request.schedulerTagsRequired.contains("worker:build-arch:amd64"), "\(request.schedulerTagsRequired)")
            #expect(request.schedulerTagsProvided.contains("task:source-package:hello"), "\(request.schedulerTagsProvided)")
            let pending = await eventually { try await harness.outboxKeys().contains("wr.pending") }
            #expect(pending)
        }
        #expect(status == 0)
    }

    @Test("a corrupt configuration entry completes the work request with error, configure-failed (Debusine `db/tasks/tests/test_base.py` `test_apply_configuration_fails`)")
    func corruptEntry() async throws {
        let status = try await TagComputerHarness.with { harness in
            let alice = try await TagComputerWorld.populate(harness.pool)
            let data: JSONValue = [
                "input": ["source_artifact": 1], "environment": "debian/match:codename=sid",
                "task_configuration": "broken@debusine:task-configuration",
            ]
            let id = try await TagComputerWorld.atInputsResolved(
                harness.pool, creator: alice, taskName: "lintian", taskData: data)
            let request = try await Self.settled(harness, id).workRequest
            #expect(request.status == .completed && request.result == .error)
            let errors = try #require(request.outputData?.errors)
            #expect(errors.count == 1)
            #expect(errors.first?.code == "configure-failed")
            #expect(
                errors.first?.message.hasPrefix("Failed to configure: debusine:task-configuration item ") == true,
                "\(errors)")
            // The configured data is the copy of the task data made before configuring; no tags.
            #expect(request.schedulerTagsProvided.isEmpty && request.configuredTaskData == data)
            #expect(try await TagComputerWorld.audit(harness.pool, .workRequest(id)).isEmpty)
            let completed = await eventually { try await harness.outboxKeys().contains("wr.completed") }
            #expect(completed)
            #expect(try await !harness.outboxKeys().contains("wr.pending"))
        }
        #expect(status == 0)
    }

    @Test("a worker's own worker:class/worker:type claims are dropped and audited; static class kept (deploy/docs/tags.md, worked example 3; Debusine `test_get_provided_worker_tags_worker_type`, `WorkerProvidedTagsTests.test_class`)")
    func workerTags() async throws {
        let status = try await TagComputerHarness.with { harness in
            let claims: [String: JSONValue] = [
                "provided_tags": ["worker:class:large", "worker:type:signing", "worker:build-arch:amd64"],
                "required_tags": ["ignored"],
            ]
            let forger = try await TagComputerWorld.reportingWorker(
                harness.pool, name: "forger", dynamicMetadata: claims)
            let big = try await TagComputerWorld.reportingWorker(
                harness.pool, name: "big", enabled: false,
                staticMetadata: ["provided_tags": ["worker:class:large"], "required_tags": ["required"]],
                dynamicMetadata: claims)
            let pool = harness.pool
            let computed = await eventually {
                let forgerDone = try await TagComputerWorld.workerTags(pool, forger) != nil
                let bigDone = try await TagComputerWorld.workerTags(pool, big) != nil
                return forgerDone && bigDone
            }
            #expect(computed, "\(harness.service.log)")
            let forgerTags = try #require(try await TagComputerWorld.workerTags(pool, forger))
            #expect(forgerTags.provided == ["worker:build-arch:amd64", "worker:type:external"])
            #expect(forgerTags.required.isEmpty)
            let bigTags = try #require(try await TagComputerWorld.workerTags(pool, big))
            #expect(bigTags.provided == ["worker:build-arch:amd64", "worker:class:large", "worker:type:external"])
            #expect(bigTags.required == ["required"])

            let audit = try await TagComputerWorld.audit(pool, .worker(forger))
            let dropped = audit.filter { $0.action == .dropped }
            #expect(
                Set(dropped.map { "\($0.setKind.rawValue) \($0.tag) \($0.provenance)" }) == [
                    "provided worker:class:large worker", "provided worker:type:signing worker",
                    "required ignored worker",
                ])
            #expect(dropped.first { $0.tag == "worker:class:large" }?.rule == "prefix rule 'worker:class:*' allows only admin")
            #expect(audit.contains { $0.tag == "worker:type:external" && $0.provenance == "system" && $0.action == .added })
            let bigAudit = try await TagComputerWorld.audit(pool, .worker(big))
            #expect(bigAudit.contains { $0.tag == "worker:class:large" && $0.provenance == "admin" && $0.action == .added })
            #expect(bigAudit.contains { $0.tag == "worker:class:large" && $0.provenance == "worker" && $0.action == .dropped })

            // worker.ready only for the enabled, connected worker.
            let ready = try await pool.query(
                "SELECT (body->>'worker_id')::bigint FROM outbox WHERE routing_key = 'worker.ready' ORDER BY id"
            ).rows.map { try $0.decode(Int.self, at: 0) }
            #expect(ready == [forger])
        }
        #expect(status == 0)
    }

    @Test("malformed and unknown-subject messages go to tag-computer.dead with a reason; the service keeps going")
    func deadLetters() async throws {
        let status = try await TagComputerHarness.with { harness in
            try await harness.publishToInbox(type: "wr.inputs-resolved", body: Array("not json".utf8), messageID: "bad-body")
            try await harness.publishToInbox(
                type: "wr.inputs-resolved", body: try MessageCodec.encode(EventBody(workRequestID: 999_999)),
                messageID: "no-such-wr")
            let dead = try await harness.deadLetters(count: 2)
            let reasons = Dictionary(
                dead.map { ($0.properties.messageID ?? "", $0.properties.headers["x-kiln-reason"]?.stringValue ?? "") },
                uniquingKeysWith: { first, _ in first })
            #expect(reasons.count == 2, "\(dead)")
            #expect(reasons["bad-body"]?.isEmpty == false)
            #expect(reasons["no-such-wr"]?.contains("work request 999999 does not exist") == true)
            // Still consuming: a worker event is handled afterwards.
            let worker = try await TagComputerWorld.reportingWorker(harness.pool, name: "after", dynamicMetadata: [:])
            let pool = harness.pool
            let computed = await eventually { try await TagComputerWorld.workerTags(pool, worker) != nil }
            #expect(computed)
        }
        #expect(status == 0)
    }

    @Test("two replicas and repeated doorbells: each work request is configured once, one wr.pending, one audit trail")
    func replicas() async throws {
        let status = try await TagComputerHarness.with { harness in
            let replica = try await harness.startReplica()
            let alice = try await TagComputerWorld.populate(harness.pool)
            var ids: [Int] = []
            for _ in 0..<4 { ids.append(try await TagComputerWorld.atInputsResolved(harness.pool, creator: alice)) }
            // Extra doorbells with fresh message ids, as a sweep of another replica would send.
            for id in ids {
                for _ in 0..<2 {
                    try await harness.publishToInbox(
                        type: "wr.inputs-resolved", body: try MessageCodec.encode(EventBody(workRequestID: id)))
                }
            }
            for id in ids { #expect(try await Self.settled(harness, id).workRequest.status == .pending) }
            let pool = harness.pool
            let expectedDeliveries = ids.count * 3
            let allHandled = await eventually {
                let handled = (harness.service.logLines() + replica.logLines()).filter {
                    ["event handled", "duplicate event acknowledged without effect"].contains($0["msg"] as? String ?? "")
                }
                return handled.count >= expectedDeliveries
            }
            #expect(allHandled)
            let pendingEvents = try await pool.query(
                "SELECT (body->>'work_request_id')::bigint FROM outbox WHERE routing_key = 'wr.pending' ORDER BY 1"
            ).rows.map { try $0.decode(Int.self, at: 0) }
            #expect(pendingEvents == ids.sorted())
            for id in ids {
                let audit = try await TagComputerWorld.audit(pool, .workRequest(id))
                #expect(audit.count == Self.example1Provided.count + Self.example1Required.count)
            }
            #expect(try await replica.terminate() == 0, "the replica exits 0 on SIGTERM")
            try? FileManager.default.removeItem(at: replica.outputURL)
        }
        #expect(status == 0)
    }

    @Test("the sweep re-drives a work request whose wr.inputs-resolved was lost")
    func sweepRedrivesLostEvent() async throws {
        let status = try await TagComputerHarness.with(
            environment: ["KILN_SWEEP_INTERVAL": "1s", "KILN_REDRIVE_GRACE": "1s"]
        ) { harness in
            let alice = try await TagComputerWorld.populate(harness.pool)
            let id = try await TagComputerWorld.atInputsResolved(harness.pool, creator: alice, withEvent: false)
            let request = try await Self.settled(harness, id).workRequest
            #expect(request.status == .pending)
            #expect(request.schedulerTagsRequired.sorted() == Self.example1Required)
        }
        #expect(status == 0)
    }
}

/// Start-up refusal: a bad setting stops the real executable before it touches any server.
@Suite("tag-computer configuration")
struct TagComputerConfigurationTests {
    @Test("a bad KILN_REDRIVE_GRACE, KILN_SWEEP_BATCH or KILN_FALLBACK_ARCHITECTURE exits 78 naming the variable")
    func badSettings() async throws {
        for (variable, value) in [
            ("KILN_REDRIVE_GRACE", "soon"), ("KILN_SWEEP_BATCH", "0"), ("KILN_FALLBACK_ARCHITECTURE", "  "),
        ] {
            let service = try ServiceProcess.start(
                "tag-computer",
                environment: [variable: value, "KILN_OPS_PORT": String(FreePort.next())])
            let exited = await eventually(timeout: .seconds(30)) { !service.isRunning }
            #expect(exited)
            #expect(try await service.terminate() == 78, "\(service.log)")
            #expect(service.log.contains(variable), "\(service.log)")
            try? FileManager.default.removeItem(at: service.outputURL)
        }
    }
}

/// The worker-tag compare-and-set on its own: a computation from metadata that changed since it was read
/// is not stored.
@Suite("tag-computer worker tag compare-and-set (real PostgreSQL)")
struct WorkerTagCompareAndSetTests {
    @Test("tags computed from older metadata never overwrite newer ones")
    func staleComputationRefused() async throws {
        let schema = "kiln_tc_cas_\(UUID().uuidString.prefix(8).lowercased())"
        let pool = PGPool(
            configuration: PGConfiguration(url: TestServers.postgresURL, searchPath: [schema]), size: 1,
            logger: TagComputerHarness.logger)
        do {
            try await check(pool)
        } catch {
            _ = try? await pool.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            await pool.close()
            throw error
        }
        _ = try? await pool.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        await pool.close()
    }

    func check(_ pool: PGPool) async throws {
        try await Migrator.migrate(pool, logger: TagComputerHarness.logger)
        let id = try await TagComputerWorld.reportingWorker(
            pool, name: "w", dynamicMetadata: ["provided_tags": ["worker:cap:old"]])
        let snapshot = try #require(try await pool.withConnection { try await WorkerRepository.tagSnapshot(id: id, on: $0) })
        let oldSets = WorkerTagComputation.compute(
            WorkerTagInputs(workerType: .external, dynamicProvidedTags: ["worker:cap:old"]))
        // The worker reports new metadata before the old computation is stored.
        try await pool.query(
            "UPDATE workers SET dynamic_metadata = '{\"provided_tags\": [\"worker:cap:new\"]}', dynamic_metadata_updated_at = now() WHERE id = $1",
            id)
        let outcome = try await pool.withTransaction { conn in
            try await WorkerRepository.storeComputedTags(oldSets, basedOn: snapshot, on: conn)
        }
        #expect(outcome == .superseded)
        let fresh = try #require(try await pool.withConnection { try await WorkerRepository.tagSnapshot(id: id, on: $0) })
        let newSets = WorkerTagComputation.compute(
            WorkerTagInputs(workerType: .external, dynamicProvidedTags: ["worker:cap:new"]))
        let stored = try await pool.withTransaction { conn in
            try await WorkerRepository.storeComputedTags(newSets, basedOn: fresh, on: conn)
        }
        #expect(stored == .stored(announce: true))
        #expect(try await TagComputerWorld.workerTags(pool, id)?.provided == ["worker:cap:new", "worker:type:external"])
    }
}
