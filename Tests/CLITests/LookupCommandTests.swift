import AMQP
import Foundation
import KilnCore
import KilnTestSupport
import Testing

extension CLIIntegration {
    /// `kiln lookup` against a test responder standing in for the lookup-resolver: it consumes the RPC queue
    /// of a private vhost and answers as the service would, so the CLI's side of the protocol is checked
    /// end to end through the real broker.
    @Suite("kiln lookup (test responder on a private vhost)")
    struct LookupCommandTests {
        /// The requests the responder received, in order.
        actor Received {
            var requests: [LookupRequest] = []
            func append(_ request: LookupRequest) { requests.append(request) }
        }

        static let artifact12 = ArtifactRecord(
            id: 12,
            category: "debian:source-package",
            workspaceID: 1,
            data: ["name": "hello", "version": "2.10-3"]
        )

        /// The canned answers: `12@artifacts` (and a list holding 12) are found, `99@artifacts` is not,
        /// `bad@@` is invalid, `private` is refused, `down` finds the database unavailable, and `silence` gets no
        /// answer at all.
        static func answer(_ request: LookupRequest) -> LookupReply? {
            switch request.lookup {
            case .string("12@artifacts"):
                return LookupReply(results: [LookupResult(resultType: .artifact, artifact: artifact12)])
            case .array:
                let suite = CollectionRecord(id: 3, name: "sid", category: "debian:suite", workspaceID: 1)
                return LookupReply(results: [
                    LookupResult(resultType: .artifact, artifact: artifact12),
                    LookupResult(resultType: .collection, collection: suite),
                ])
            case .string("99@artifacts"):
                return LookupReply(failure: .notFound("'99@artifacts' does not exist or is hidden"))
            case .string("bad@@"):
                return LookupReply(failure: .invalid("'bad@@': unknown category lookup"))
            case .string("private"):
                return .refused("tester cannot display workspace debian/secret")
            case .string("down"):
                return .unavailable("connection refused")
            default:
                return nil
            }
        }

        @Test("found (table and JSON), not found, invalid, and a lookup-resolver that does not answer")
        func lookupThroughResponder() async throws {
            try await CLITestBroker.withVHost { url in
                let configuration = try AMQPConnectionConfiguration(url: url)
                let topology = Topology(queues: [.classic(name: "lookup-resolver.rpc")])
                let replies = AMQPPublisher(configuration: configuration, topology: topology)
                let server = AMQPConsumer(configuration: configuration, topology: topology)
                let received = Received()
                try await server.addConsumer(queue: "lookup-resolver.rpc", prefetch: 10) { delivery in
                    guard let request = try? MessageCodec.decode(LookupRequest.self, from: delivery.body) else {
                        delivery.ack()
                        return
                    }
                    await received.append(request)
                    if let reply = Self.answer(request), let body = try? MessageCodec.encode(reply) {
                        var properties = MessageProperties(correlationID: delivery.properties.correlationID)
                        properties.persistent = false
                        try? await replies.publish(
                            OutgoingMessage(
                                exchange: "",
                                routingKey: delivery.properties.replyTo ?? "",
                                body: body,
                                properties: properties
                            )
                        )
                    }
                    delivery.ack()
                }
                try await replies.connect()  // declares the RPC queue before the first request
                let running = Task { try await server.run() }
                defer { running.cancel() }
                let environment = ["KILN_AMQP_URL": url]
                // A generous --timeout for the calls that must be answered: on a machine busy with a build, a
                // debug binary's start-up and the responder's turn can take longer than the default 10 s.
                func kiln(_ arguments: [String]) async throws -> CLIRun {
                    let timeout = arguments.contains("--timeout") ? [] : ["--timeout", "120s"]
                    return try await KilnBinary.run(
                        ["lookup"] + arguments + timeout,
                        schema: "unused",
                        environment: environment
                    )
                }

                let table = try await kiln(["12@artifacts", "--workspace", "debian/dev", "--expect", "artifact"])
                #expect(table.status == 0, "\(table)")
                let lines = table.stdout.split(separator: "\n")
                #expect(lines.first?.hasPrefix("TYPE") == true, "\(table)")
                #expect(lines.count == 2)
                #expect(lines.last?.contains("debian:source-package") == true)
                #expect(lines.last?.contains(#""name":"hello""#) == true)

                let json = try await kiln(["[12, 3]", "--workspace", "debian/dev", "--json"])
                #expect(json.status == 0, "\(json)")
                let results = try #require(
                    try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
                )
                #expect(results.map { $0["result_type"] as? String } == ["artifact", "collection"])
                #expect((results[0]["artifact"] as? [String: Any])?["id"] as? Int == 12)
                #expect((results[1]["collection"] as? [String: Any])?["name"] as? String == "sid")

                let notFound = try await kiln(["99@artifacts", "--workspace", "debian/dev"])
                #expect(notFound.status == 1, "\(notFound)")
                #expect(notFound.stderr == "kiln: '99@artifacts' does not exist or is hidden\n")

                let invalid = try await kiln(["bad@@", "--workspace", "debian/dev"])
                #expect(invalid.status == 1, "\(invalid)")
                #expect(invalid.stderr == "kiln: invalid lookup: 'bad@@': unknown category lookup\n")

                // A refused request is printed as it is (Debusine's API text); an unavailable database is 69.
                let refused = try await kiln(["private", "--workspace", "debian/dev"])
                #expect(refused.status == 1, "\(refused)")
                #expect(refused.stderr == "kiln: tester cannot display workspace debian/secret\n")
                let down = try await kiln(["down", "--workspace", "debian/dev"])
                #expect(down.status == 69, "\(down)")
                #expect(down.stderr.hasPrefix("kiln: lookup service unavailable: connection refused\n"), "\(down)")

                let silent = try await kiln(["silence", "--workspace", "debian/dev", "--timeout", "1s"])
                #expect(silent.status == 69, "\(silent)")
                #expect(silent.stderr.contains("the lookup-resolver is not answering"), "\(silent)")

                // `--multiple` sends a single lookup as a one-element list; `--workflow-root` sets the root.
                let wrapped = try await kiln([
                    "12@artifacts", "--workspace", "debian/dev", "--multiple", "--workflow-root", "40",
                ])
                #expect(wrapped.status == 0, "\(wrapped)")

                let usage = try await kiln(["12@artifacts", "--workspace", "debian/dev", "--expect", "nonsense"])
                #expect(usage.status == 64, "\(usage)")

                // What the responder was sent: the request fields as given, a JSON list as a multiple lookup.
                // The unanswered one may reach the responder after its caller gave up (a busy machine).
                #expect(await eventually { await received.requests.count == 8 })
                let requests = await received.requests
                #expect(requests.count == 8)
                let first = try #require(requests.first)
                #expect(first.workspace == "debian/dev")
                #expect(first.expectType == .artifact)
                #expect(first.user == "tester")
                #expect(first.multiple == false)
                #expect(requests[1].lookup == [12, 3])
                #expect(requests[1].multiple == true)
                let wrappedRequest = try #require(requests.first { $0.workflowRootID == 40 })
                #expect(wrappedRequest.lookup == ["12@artifacts"])
                #expect(wrappedRequest.multiple == true)
                #expect(requests.filter { $0.workflowRootID != nil }.count == 1)
                await server.shutdown()
                await replies.close()
                running.cancel()
                _ = await running.result
            }
        }

        @Test("no lookup-resolver queue on the broker: status 69, saying the service is not running")
        func noResolverQueue() async throws {
            try await CLITestBroker.withVHost { url in
                let result = try await KilnBinary.run(
                    ["lookup", "12@artifacts", "--workspace", "debian/dev"],
                    schema: "unused",
                    environment: ["KILN_AMQP_URL": url]
                )
                #expect(result.status == 69, "\(result)")
                #expect(result.stderr.contains("the lookup-resolver is not running"), "\(result)")
            }
        }
    }
}
