import AMQP
import Foundation
import KilnCore
import KilnRuntime
import KilnTestSupport
import Store
import Synchronization
import Testing

/// The `lookup-resolver` executable as a real process against the real PostgreSQL and RabbitMQ: each test
/// has its own schema and vhost, writes work requests as `kiln submit` does, and lets the service's own
/// outbox relay deliver the events. Serialized: each test runs a service process, and the machine's two
/// cores are shared.
@Suite("lookup-resolver service (real process, real servers)", .serialized, .timeLimit(.minutes(3)))
struct LookupResolverServiceTests {
    static let service = "lookup-resolver"

    /// Runs `body` with a fixture-filled world and one started replica, and checks that SIGTERM stops it
    /// with status 0.
    func withService(
        environment: [String: String] = [:], beforeStart: (ResolverFixture) async throws -> Void = { _ in },
        _ body: (ServiceHarness, ResolverFixture, ServiceProcess) async throws -> Void
    ) async throws {
        try await ServiceHarness.with(executable: Self.service) { harness in
            let fixture = try await ResolverFixture.populate(harness.pool)
            try await beforeStart(fixture)
            let replica = try harness.start(environment: environment)
            do {
                try await harness.waitUntil("the service to consume", timeout: .seconds(40)) {
                    replica.logged("consuming events") && replica.logged("serving lookups")
                }
                try await body(harness, fixture, replica)
            } catch {
                Issue.record("service log:\n\(replica.log)")
                throw error
            }
            let status = try await replica.terminate()
            #expect(status == 0, "exit status after SIGTERM; log:\n\(replica.log)")
        }
    }

    @Test("wr.unblocked: Stage.pending inputs resolved, stored, pending stage inputs-resolved, wr.inputs-resolved")
    func unblockedResolvesPendingInputs() async throws {
        try await withService { harness, fixture, _ in
            let id = try await fixture.submit("sbuild", ResolverFixture.sbuildData)
            try await harness.waitUntil("pending stage inputs-resolved") {
                try await fixture.load(id).workRequest.pendingStage == .inputsResolved
            }
            let stored = try await fixture.load(id)
            #expect(stored.workRequest.status == .pending && stored.workRequest.storedStatus == .blocked)
            #expect(stored.workRequest.dynamicTaskData == nil)
            let saved = try #require(stored.workRequest.pendingStageData).decode(ResolvedPendingInputs.self)
            #expect(saved == (try fixture.expectedPendingInputs("sbuild", ResolverFixture.sbuildData)))
            #expect(saved.pendingFieldValues["environment"]?.value(atPath: "artifact_id") == 3)
            #expect(try await fixture.outbox(.workRequestInputsResolved) == [["schema_version": 1, "work_request_id": .int(id)]])
        }
    }

    @Test("a missing artifact completes the work request error/configure-failed; dependants abort (Debusine `WorkRequest.record_configuration_error`)")
    func missingArtifactFailsConfiguration() async throws {
        let data: JSONValue = ["input": ["source_artifact": 999], "environment": "debian/match:codename=sid"]
        try await withService { harness, fixture, _ in
            let failing = try await fixture.submit("sbuild", data)
            let dependant = try await fixture.submit("noop", [:], dependsOn: [failing])
            try await harness.waitUntil("the work request to complete") {
                try await fixture.load(failing).workRequest.status == .completed
            }
            let completed = try await fixture.load(failing).workRequest
            #expect(completed.result == .error)
            #expect(completed.pendingAt != nil)
            let expected = try #require(throws: WorkRequestPipelineError.self) {
                try fixture.expectedPendingInputs("sbuild", data)
            }
            #expect(expected.message.hasPrefix("Failed to configure: '999@artifacts' does not exist or is hidden"))
            #expect(
                completed.outputData?.errors
                    == [WorkRequestError(message: expected.message, code: "configure-failed")])
            #expect(try await fixture.load(failing).workRequest.pendingStage == nil)
            #expect(try await fixture.outbox(.workRequestCompleted) == [["schema_version": 1, "work_request_id": .int(failing)]])
            #expect(try await fixture.outbox(.workRequestInputsResolved).isEmpty)
            // An `error` result is not tolerated (Debusine `WorkRequest.unblock_reverse_dependencies`): the blocked
            // dependant is aborted by the cascade.
            #expect(try await fixture.load(dependant).workRequest.status == .aborted)
            #expect(try await fixture.outbox(.workRequestAborted).contains { $0.value(atPath: "work_request_id") == .int(dependant) })
        }
    }

    @Test("wr.assigned: Stage.running inputs and computeDynamicData() stored for the epoch, then wr.dispatch")
    func assignedComputesDynamicData() async throws {
        try await withService { harness, fixture, _ in
            let id = try await fixture.submit("sbuild", ResolverFixture.sbuildData)
            try await harness.waitUntil("pending stage inputs-resolved") {
                try await fixture.load(id).workRequest.pendingStage == .inputsResolved
            }
            let worker = try await fixture.worker()
            let epoch = try await fixture.assign(id, to: worker)
            try await harness.waitUntil("dynamic data for the epoch") { try await fixture.dynamicDataEpoch(id) == epoch }
            let stored = try await fixture.load(id).workRequest
            #expect(stored.status == .pending)
            #expect(stored.dynamicTaskData == (try fixture.expectedDynamicData("sbuild", ResolverFixture.sbuildData)))
            #expect(stored.dynamicTaskData?.value(atPath: "task_input_fields.environment.artifact_id") == 3)
            #expect(
                try await fixture.outbox(.workRequestDispatch)
                    == [["schema_version": 1, "work_request_id": .int(id), "worker_id": .int(worker), "epoch": .int(epoch)]])
        }
    }

    @Test("the artifact is gone at assignment → error/dynamic-data-failed, wr.completed, no dispatch (Debusine `server/tests/test_scheduler.py` `test_with_failing_compute_dynamic_data`)")
    func scenario14() async throws {
        try await withService { harness, fixture, _ in
            let id = try await fixture.submit("sbuild", ResolverFixture.sbuildData)
            try await harness.waitUntil("pending stage inputs-resolved") {
                try await fixture.load(id).workRequest.pendingStage == .inputsResolved
            }
            try await fixture.pool.withTransaction { conn in
                try conn.execute("DELETE FROM collection_items WHERE artifact_id = $1", TaskFixture.Artifact.helloSource)
                try conn.execute("DELETE FROM artifacts WHERE id = $1", TaskFixture.Artifact.helloSource)
            }
            let worker = try await fixture.worker()
            try await fixture.assign(id, to: worker)
            try await harness.waitUntil("the work request to complete") {
                try await fixture.load(id).workRequest.status == .completed
            }
            let completed = try await fixture.load(id).workRequest
            #expect(completed.result == .error)
            // The failed assignment is undone (`_assign_work_request_to_worker` is atomic): no worker is shown.
            #expect(completed.workerID == nil)
            #expect(
                completed.outputData?.errors == [
                    WorkRequestError(
                        message: "Failed to compute dynamic data: '1@artifacts' does not exist or is hidden",
                        code: "dynamic-data-failed")
                ])
            #expect(try await fixture.outbox(.workRequestCompleted) == [["schema_version": 1, "work_request_id": .int(id)]])
            #expect(try await fixture.outbox(.workRequestDispatch).isEmpty)
            // The row no longer names the worker, so the scheduler is told to re-read it: its slot is free.
            #expect(try await fixture.outbox(.workerReady) == [["schema_version": 1, "worker_id": .int(worker)]])
        }
    }

    /// Debusine `server/tests/test_scheduler.py` `test_with_failing_configure_call`: configured data that does not
    /// validate (there `{}`) is found when the task is built for the worker, and completes the work request
    /// `configure-failed` (`_assign_work_request_to_worker`), not `dynamic-data-failed`.
    @Test("configured data that does not validate at assignment → error/configure-failed, no dispatch")
    func configuredDataFailsAtAssignment() async throws {
        try await withService { harness, fixture, _ in
            let id = try await fixture.submit("sbuild", ResolverFixture.sbuildData)
            try await harness.waitUntil("pending stage inputs-resolved") {
                try await fixture.load(id).workRequest.pendingStage == .inputsResolved
            }
            let worker = try await fixture.worker()
            let epoch = try await fixture.assign(id, to: worker, announce: false)
            try await fixture.pool.withTransaction { conn in
                try conn.execute("UPDATE work_requests SET configured_task_data = '{}' WHERE id = $1", id)
                try await EventOutbox.enqueue(
                    .assigned(Assignment(workRequest: WorkRequestID(id), worker: WorkerID(worker), epoch: Epoch(epoch))),
                    on: conn)
            }
            try await harness.waitUntil("the work request to complete") {
                try await fixture.load(id).workRequest.status == .completed
            }
            let completed = try await fixture.load(id).workRequest
            #expect(completed.result == .error)
            #expect(completed.workerID == nil)
            let errors = try #require(completed.outputData?.errors)
            #expect(errors.map(\.code) == ["configure-failed"])
            #expect(
                errors.first?.message.hasPrefix("Failed to configure: 2 validation errors for SbuildData\nenvironment\n")
                    == true, "\(errors)")
            #expect(try await fixture.outbox(.workRequestDispatch).isEmpty)
        }
    }

    @Test("a duplicate wr.unblocked (same or new message id) has no second effect")
    func duplicateUnblockedHasNoEffect() async throws {
        try await withService { harness, fixture, replica in
            let id = try await fixture.submit("sbuild", ResolverFixture.sbuildData)
            try await harness.waitUntil("pending stage inputs-resolved") {
                try await fixture.load(id).workRequest.pendingStage == .inputsResolved
            }
            let original = try #require(
                try await fixture.pool.query(
                    "SELECT message_id::text FROM outbox WHERE routing_key = 'wr.unblocked'"
                ).first?.decode(String.self, at: 0))
            let before = try await fixture.load(id)
            let publisher = AMQPPublisher(configuration: harness.amqp)
            defer { Task { await publisher.close() } }
            let fresh = UUID().uuidString.lowercased()
            for messageID in [original, fresh] {
                try await publisher.publish(
                    OutgoingMessage(
                        exchange: KilnTopology.eventsExchange, routingKey: RoutingKey.workRequestUnblocked.rawValue,
                        body: try MessageCodec.encode(EventBody(workRequestID: id)),
                        properties: MessageProperties(messageID: messageID, type: RoutingKey.workRequestUnblocked.rawValue)))
            }
            try await harness.waitUntil("both deliveries to be handled") {
                let duplicateSeen = replica.logged("duplicate event acknowledged without effect") {
                    $0["msg.id"] as? String == original
                }
                return try await fixture.inboxHas(fresh) && duplicateSeen
            }
            #expect(replica.logged("nothing to do") { $0["msg.id"] as? String == fresh })
            #expect(try await fixture.outbox(.workRequestInputsResolved).count == 1)
            let after = try await fixture.load(id)
            #expect(after.updatedAt == before.updatedAt)
            #expect(after.workRequest == before.workRequest)
        }
    }

    @Test("a malformed message lands in lookup-resolver.dead with x-kiln-reason; the service keeps going")
    func malformedMessageIsDeadLettered() async throws {
        try await withService { harness, fixture, _ in
            let publisher = AMQPPublisher(configuration: harness.amqp)
            defer { Task { await publisher.close() } }
            try await publisher.publish(
                OutgoingMessage(
                    exchange: "", routingKey: KilnTopology.lookupResolver.inbox, text: "{not json",
                    properties: MessageProperties(type: RoutingKey.workRequestUnblocked.rawValue)))
            let dead = Mutex<[Delivery]>([])
            let consumer = AMQPConsumer(configuration: harness.amqp)
            try await consumer.addConsumer(queue: KilnTopology.lookupResolver.dead, prefetch: 10) { delivery in
                dead.withLock { $0.append(delivery) }
                delivery.ack()
            }
            let consuming = Task { try await consumer.run() }
            defer { consuming.cancel() }
            try await harness.waitUntil("the dead-lettered message") { dead.withLock { !$0.isEmpty } }
            let message = try #require(dead.withLock { $0.first })
            #expect(message.text == "{not json")
            let reason = try #require(message.properties.headers["x-kiln-reason"]?.stringValue)
            #expect(reason.contains("undecodable EventBody"), "x-kiln-reason: \(reason)")
            #expect(message.properties.headers["x-kiln-service"]?.stringValue == "lookup-resolver")
            // Still working afterwards.
            let id = try await fixture.submit("sbuild", ResolverFixture.sbuildData)
            try await harness.waitUntil("pending stage inputs-resolved") {
                try await fixture.load(id).workRequest.pendingStage == .inputsResolved
            }
        }
    }

    @Test("lookup RPC: found, not-found and invalid requests all get a reply with the correlation id")
    func lookupRPC() async throws {
        try await withService { harness, fixture, _ in
            let client = AMQPRequestReplyClient(configuration: harness.amqp)
            func call(_ body: [UInt8]) async throws -> LookupReply {
                let reply = try await client.call(
                    OutgoingMessage(exchange: "", routingKey: KilnTopology.lookupRPCQueue, body: body),
                    timeout: .seconds(20))
                return try MessageCodec.decode(LookupReply.self, from: reply.body)
            }
            func request(_ lookup: JSONValue, expect: LookupExpectType, workspace: String = "debian/developers",
                         multiple: Bool = false) throws -> [UInt8] {
                try MessageCodec.encode(
                    LookupRequest(lookup: lookup, expectType: expect, workspace: workspace, user: "alice", multiple: multiple))
            }

            let found = try await call(try request("sid@debian:suite/name:hello_1.0-1", expect: .artifact))
            #expect(found.errorKind == nil, "\(found)")
            #expect(found.results.map { $0.artifact?.id } == [TaskFixture.Artifact.helloSource])

            let byID = try await call(try request(["1@artifacts", "2@artifacts"], expect: .artifact, multiple: true))
            #expect(byID.results.compactMap { $0.artifact?.id } == [1, 2])

            let missing = try await call(try request("999@artifacts", expect: .artifact))
            #expect(missing.failure == .notFound("'999@artifacts' does not exist or is hidden"))
            #expect(missing.results.isEmpty)

            // Debusine `server/views/tests/test_lookups.py` `test_workspace_not_found`, `test_workspace_not_visible`.
            let noWorkspace = try await call(try request("1@artifacts", expect: .artifact, workspace: "debian/nowhere"))
            #expect(noWorkspace.errorKind == "refused")
            #expect(noWorkspace.errorMessage == "Object with name=nowhere does not exist.")
            // A private workspace alice is no member of (the fixture's ids are explicit, so this one is too).
            let privateID = try await harness.pool.query(
                """
                INSERT INTO workspaces (id, scope_id, name, is_public) OVERRIDING SYSTEM VALUE
                SELECT 50, scope_id, 'hidden', false FROM workspaces WHERE id = $1 RETURNING id
                """, TaskFixture.Workspace.developers
            ).rows[0].decode(Int.self, at: 0)
            let hidden = try await call(try request("1@artifacts", expect: .artifact, workspace: "debian/hidden"))
            #expect(hidden.errorKind == "refused")
            #expect(hidden.errorMessage == "alice cannot display workspace debian/hidden")

            let badWorkspace = try await call(try request("1@artifacts", expect: .artifact, workspace: "developers"))
            #expect(badWorkspace.failure == .invalid("workspace 'developers' must be written scope/name"))

            let wrongType = try await call(try request("1@artifacts", expect: .collection))
            #expect(wrongType.errorKind == "invalid")

            // Debusine's `LookupSingleSerializer.workflow_root` (a primary-key field) refuses a work request that does
            // not exist before anything is looked up.
            let noRoot = try await call(
                try MessageCodec.encode(
                    LookupRequest(
                        lookup: "1@artifacts", expectType: .artifact, workspace: "debian/developers", user: "alice",
                        workflowRootID: 999_999)))
            #expect(noRoot.errorKind == "refused")
            #expect(noRoot.errorMessage == #"Invalid pk "999999" - object does not exist."#)
            // `test_workflow_root_not_visible`: a root in a workspace the user may not see.
            let hiddenRoot = try await fixture.submit("noop", [:])
            _ = try await harness.pool.query("UPDATE work_requests SET workspace_id = $1 WHERE id = $2", privateID, hiddenRoot)
            let rootHidden = try await call(
                try MessageCodec.encode(
                    LookupRequest(
                        lookup: "1@artifacts", expectType: .artifact, workspace: "debian/developers", user: "alice",
                        workflowRootID: hiddenRoot)))
            #expect(rootHidden.errorKind == "refused")
            #expect(rootHidden.errorMessage == "alice cannot display work request \(hiddenRoot)")

            let garbage = try await call(Array("{\"schema_version\": 1}".utf8))
            #expect(garbage.errorKind == "invalid")
            #expect(garbage.errorMessage?.contains("missing field") == true, "\(garbage)")
            await client.close()
        }
    }

    @Test("the sweep re-drives a lost wr.unblocked and a lost wr.assigned")
    func sweepRedrivesLostEvents() async throws {
        let ids = Mutex<(unblocked: Int, assigned: Int, worker: Int, epoch: Int)>((0, 0, 0, 0))
        try await withService(
            environment: ["KILN_SWEEP_INTERVAL": "1s", "KILN_REDRIVE_GRACE": "1s"],
            beforeStart: { fixture in
                let unblocked = try await fixture.submit("sbuild", ResolverFixture.sbuildData)
                let assigned = try await fixture.submit("sbuild", ResolverFixture.sbuildData)
                let worker = try await fixture.worker()
                let epoch = try await fixture.assign(assigned, to: worker, announce: false)
                // The messages were "lost": already published as far as the outbox knows, and the rows have
                // been waiting for a while.
                try await fixture.pool.withTransaction { conn in
                    try conn.execute("UPDATE outbox SET published_at = now()")
                    try conn.execute("UPDATE work_requests SET updated_at = now() - interval '1 hour'")
                }
                ids.withLock { $0 = (unblocked, assigned, worker, epoch) }
            }
        ) { harness, fixture, replica in
            let (unblocked, assigned, worker, epoch) = ids.withLock { $0 }
            try await harness.waitUntil("the lost wr.unblocked to be re-driven") {
                try await fixture.load(unblocked).workRequest.pendingStage == .inputsResolved
            }
            try await harness.waitUntil("the lost wr.assigned to be re-driven") {
                try await fixture.dynamicDataEpoch(assigned) == epoch
            }
            #expect(
                try await fixture.outbox(.workRequestDispatch)
                    == [["schema_version": 1, "work_request_id": .int(assigned), "worker_id": .int(worker), "epoch": .int(epoch)]])
            #expect(replica.logged("sweep re-drove stuck work"))
        }
    }

    @Test("two replicas on one inbox: every work request resolved once, one wr.inputs-resolved each")
    func replicasApplyEachEventOnce() async throws {
        try await withService { harness, fixture, first in
            let second = try harness.start()
            try await harness.waitUntil("the second replica to consume") {
                second.logged("consuming events") && second.logged("serving lookups")
            }
            var ids: [Int] = []
            for _ in 0..<6 { ids.append(try await fixture.submit("sbuild", ResolverFixture.sbuildData)) }
            // The same events once more under new message ids, so both replicas race on the same rows.
            let publisher = AMQPPublisher(configuration: harness.amqp)
            defer { Task { await publisher.close() } }
            for id in ids {
                try await publisher.publish(
                    OutgoingMessage(
                        exchange: KilnTopology.eventsExchange, routingKey: RoutingKey.workRequestUnblocked.rawValue,
                        body: try MessageCodec.encode(EventBody(workRequestID: id)),
                        properties: MessageProperties(type: RoutingKey.workRequestUnblocked.rawValue)))
            }
            try await harness.waitUntil("every work request resolved and every event handled") {
                var resolved = true
                for id in ids where try await fixture.load(id).workRequest.pendingStage != .inputsResolved { resolved = false }
                let handled = try await fixture.pool.query(
                    "SELECT count(*) FROM inbox WHERE consumer = 'lookup-resolver'"
                ).first?.decode(Int.self, at: 0)
                return resolved && handled == 2 * ids.count
            }
            let announced = try await fixture.outbox(.workRequestInputsResolved).compactMap {
                $0.value(atPath: "work_request_id")
            }
            #expect(announced.count == ids.count)
            #expect(Set(announced) == Set(ids.map { JSONValue.int($0) }))
            let status = try await second.terminate()
            #expect(status == 0, "second replica's exit status; log:\n\(second.log)")
            #expect(first.isRunning)
        }
    }

    @Test("a bad setting stops the service at start with a message naming the variable")
    func badSettingStopsTheService() async throws {
        try await ServiceHarness.with(executable: Self.service) { harness in
            let replica = try harness.start(environment: ["KILN_FALLBACK_ARCHITECTURE": "not an arch"])
            #expect(try await replica.waitForExit() == 78)
            #expect(replica.log.contains("KILN_FALLBACK_ARCHITECTURE"), "\(replica.log)")
        }
    }
}
