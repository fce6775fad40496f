import KilnCore
import Testing

@Suite("Message catalogue: encoding and refusing bad bodies")
struct MessageCodecTests {
    @Test("events round-trip with the catalogue's key names")
    func eventRoundTrip() throws {
        let event = KilnEvent(workRequestID: 12, workerID: 3, epoch: 2)
        let bytes = try MessageCodec.encode(event)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"epoch":2,"schema_version":1,"work_request_id":12,"worker_id":3}"#)
        #expect(try MessageCodec.decode(KilnEvent.self, from: bytes) == event)
    }

    @Test("each routing key demands the identifiers it needs")
    func eventValidation() throws {
        try KilnEvent(workRequestID: 1).validate(for: .workRequestPending)
        #expect(throws: MessageError.invalid("wr.assigned needs work_request_id, worker_id and epoch")) {
            try KilnEvent(workRequestID: 1).validate(for: .workRequestAssigned)
        }
        #expect(throws: MessageError.invalid("worker.ready needs worker_id")) {
            try KilnEvent(workRequestID: 1).validate(for: .workerReady)
        }
        // Identifiers are database keys (issue 10: a wr.pending for -5 was accepted as handled).
        #expect(throws: MessageError.invalid("work_request_id must be positive, not -5")) {
            try KilnEvent(workRequestID: -5).validate(for: .workRequestPending)
        }
        #expect(throws: MessageError.invalid("worker_id must be positive, not 0")) {
            try KilnEvent(workerID: 0).validate(for: .workerReady)
        }
        #expect(throws: MessageError.invalid("epoch must not be negative, not -1")) {
            try KilnEvent(workRequestID: 1, workerID: 2, epoch: -1).validate(for: .workRequestAssigned)
        }
    }

    @Test("malformed JSON, wrong types, missing fields and other schema versions are refused with a reason",
        arguments: [
            (#"{"a":"#, "undecodable KilnEvent: not JSON"),
            (#"{"schema_version":"1"}"#, "undecodable KilnEvent: field 'schema_version' has the wrong type"),
            (#"{"work_request_id":1}"#, "undecodable KilnEvent: missing field 'schema_version'"),
            (#"{"schema_version":2,"work_request_id":1}"#, "unsupported schema_version 2 (this build reads 1)"),
            // Well-formed JSON whose integer does not fit: not called "not JSON" (issue 10).
            (#"{"schema_version":1,"work_request_id":123456789012345678901234567890}"#, "undecodable KilnEvent: "),
        ])
    func refusals(body: String, reasonPrefix: String) {
        do {
            _ = try MessageCodec.decode(KilnEvent.self, from: Array(body.utf8))
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
