import Foundation
import Logging
import Metrics
import Prometheus
import ServiceKit
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Ops endpoints over real HTTP")
struct OpsServerTests {
    func get(_ url: URL) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    // The limit is a backstop against a hang, not a speed check: a busy machine may take minutes.
    @Test("live, ready (503 naming what is missing, then 200) and Prometheus metrics", .timeLimit(.minutes(5)))
    func endpoints() async throws {
        let port = Int.random(in: 10_000...32_000)  // below the ephemeral range (32768+) client sockets use
        let readiness = Readiness(conditions: ["broker", "database"])
        let registry = PrometheusCollectorRegistry()
        PrometheusMetricsFactory(registry: registry).makeCounter(label: "kiln_test_events_total", dimensions: [])
            .increment(by: 3)
        let server = OpsServer(
            host: "127.0.0.1", port: port, readiness: readiness, registry: registry, logger: Logger(label: "ops", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { try await server.run() }
        defer { running.cancel() }
        let base = URL(string: "http://127.0.0.1:\(port)")!

        var live: (Int, String) = (0, "")
        for _ in 0..<100 {
            if let answer = try? await get(base.appending(path: "health/live")) { live = answer; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(live.0 == 200)

        let notReady = try await get(base.appending(path: "health/ready"))
        #expect(notReady.0 == 503)
        #expect(notReady.1.contains("broker, database"))

        readiness.set("broker", true)
        readiness.set("database", true)
        #expect(try await get(base.appending(path: "health/ready")).0 == 200)

        let metrics = try await get(base.appending(path: "metrics"))
        #expect(metrics.0 == 200)
        #expect(metrics.1.contains("kiln_test_events_total 3"))
    }
}
