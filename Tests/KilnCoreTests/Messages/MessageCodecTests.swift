import KilnCore
import Testing

@Suite("Message catalogue: encoding and refusing bad bodies")
struct MessageCodecTests {
    @Test("events round-trip with the catalogue's key names")
    func eventRoundTrip() throws {
        let event = EventBody(workRequestID: 12, workerID: 3, epoch: 2)
        let bytes = try MessageCodec.encode(event)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"epoch":2,"schema_version":1,"work_request_id":12,"worker_id":3}"#)
        #expect(try MessageCodec.decode(EventBody.self, from: bytes) == event)
    }

    @Test("each routing key demands the identifiers it needs")
    func eventValidation() throws {
        #expect(try KilnEvent(.workRequestPending, body: EventBody(workRequestID: 1)) == .pending(1))
        #expect(throws: MessageError.invalid("wr.assigned needs work_request_id, worker_id and epoch")) {
            try KilnEvent(.workRequestAssigned, body: EventBody(workRequestID: 1))
        }
        #expect(throws: MessageError.invalid("worker.ready needs worker_id")) {
            try KilnEvent(.workerReady, body: EventBody(workRequestID: 1))
        }
        // Identifiers are database keys (issue 10: a wr.pending for -5 was accepted as handled).
        #expect(throws: MessageError.invalid("work_request_id must be positive, not -5")) {
            try KilnEvent(.workRequestPending, body: EventBody(workRequestID: -5))
        }
        #expect(throws: MessageError.invalid("worker_id must be positive, not 0")) {
            try KilnEvent(.workerReady, body: EventBody(workerID: 0))
        }
        #expect(throws: MessageError.invalid("epoch must not be negative, not -1")) {
            try KilnEvent(.workRequestAssigned, body: EventBody(workRequestID: 1, workerID: 2, epoch: -1))
        }
        // wr.aborted names its worker only when it had one; an older producer may omit the epoch.
        #expect(
            try KilnEvent(.workRequestAborted, body: EventBody(workRequestID: 4, workerID: 2))
                == .aborted(AbortedWorkRequest(workRequest: 4, worker: 2, epoch: nil)))
    }

    @Test("every event kind goes to its routing key and comes back from its body unchanged",
        arguments: [
            KilnEvent.unblocked(7), .inputsResolved(7), .pending(7), .completed(7),
            .assigned(Assignment(workRequest: 7, worker: 3, epoch: 0)),
            .dispatch(Assignment(workRequest: 7, worker: 3, epoch: 12)),
            .aborted(AbortedWorkRequest(workRequest: 7)), .aborted(AbortedWorkRequest(workRequest: 7, worker: 3, epoch: 2)),
            .workerMetadata(3), .workerReady(3), .workerGone(3), .workerDisabled(3),
        ])
    func everyKindRoundTrips(event: KilnEvent) throws {
        let bytes = try MessageCodec.encode(event.body)
        #expect(try KilnEvent(event.routingKey, body: MessageCodec.decode(EventBody.self, from: bytes)) == event)
    }

    @Test("the event kinds and the routing keys of kiln.events are one-to-one")
    func kindsCoverTheCatalogue() {
        let kinds: [KilnEvent] = [
            .unblocked(1), .inputsResolved(1), .pending(1), .completed(1), .aborted(AbortedWorkRequest(workRequest: 1)),
            .assigned(Assignment(workRequest: 1, worker: 1, epoch: 1)),
            .dispatch(Assignment(workRequest: 1, worker: 1, epoch: 1)), .workerMetadata(1), .workerReady(1),
            .workerGone(1), .workerDisabled(1),
        ]
        #expect(Set(kinds.map(\.routingKey)) == Set(RoutingKey.allCases))
        #expect(kinds.count == RoutingKey.allCases.count)
    }

    @Test("malformed JSON, wrong types, missing fields and other schema versions are refused with a reason",
        arguments: [
            (#"{"a":"#, "undecodable EventBody: not JSON"),
            (#"{"schema_version":"1"}"#, "undecodable EventBody: field 'schema_version' has the wrong type"),
            (#"{"work_request_id":1}"#, "undecodable EventBody: missing field 'schema_version'"),
            (#"{"schema_version":2,"work_request_id":1}"#, "unsupported schema_version 2 (this build reads 1)"),
            // Well-formed JSON whose integer does not fit: not called "not JSON" (issue 10).
            (#"{"schema_version":1,"work_request_id":123456789012345678901234567890}"#, "undecodable EventBody: "),
        ])
    func refusals(body: String, reasonPrefix: String) {
        do {
            _ = try MessageCodec.decode(EventBody.self, from: Array(body.utf8))
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.description.hasPrefix(reasonPrefix), "\(error.description)")
            if body.contains("1234567890123") { #expect(!error.description.contains("not JSON"), "\(error.description)") }
        }
    }

    @Test("worker results must carry a real result; hello checks token, type and queue")
    func workerRules() throws {
        let bad = WorkerResult(token: "t", workRequestID: 1, epoch: 1, result: "")
        #expect(throws: MessageError.self) { try MessageCodec.decode(WorkerResult.self, from: try MessageCodec.encode(bad)) }
        let hello = WorkerHello(token: "abc", fqdn: "w.lan", workerType: .celery, queue: "amq.gen-x", metadata: [:])
        #expect(throws: MessageError.invalid("worker_type must be external or signing, not celery")) {
            try MessageCodec.decode(WorkerHello.self, from: try MessageCodec.encode(hello))
        }
        let nested = #"{"schema_version":1,"token":"t","running":[{"work_request_id":"x","epoch":1}]}"#
        #expect(throws: MessageError.undecodable(
            type: "WorkerHeartbeat", reason: "field 'running[0].work_request_id' has the wrong type (expected Int)")) {
            try MessageCodec.decode(WorkerHeartbeat.self, from: Array(nested.utf8))
        }
    }

    @Test("lookup replies keep not-found and invalid apart")
    func lookupReply() throws {
        let reply = LookupReply(failure: .notFound("'9@artifacts' does not exist or is hidden"))
        let decoded = try MessageCodec.decode(LookupReply.self, from: try MessageCodec.encode(reply))
        #expect(decoded.failure == .notFound("'9@artifacts' does not exist or is hidden"))
    }
}
