import AMQP
import Foundation
import Testing

/// A test about wall-clock silence, run alone in deploy/test's phase 3 (every suite whose type name holds
/// "Solo"): among hundreds of parallel tests on a machine also building, the ticking side itself was starved
/// past two heartbeats and replaced, which is the load's fault, not the code's.
@Suite("AMQP heartbeats (run alone: a condition of wall-clock silence)", .serialized, .timeLimit(.minutes(3)))
struct SoloHeartbeatTests {
    @Test("heartbeats keep an idle publisher's connection alive; without them it is detected dead and replaced")
    func heartbeatsKeepIdleConnectionAlive() async throws {
        let queue = TestBroker.uniqueName("idle")
        let topology = Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)])
        // 8 s heartbeats: the ticking side sends every 2 s, so only a stall of more than ~14 s (two missed
        // heartbeats) could fail it; 2 s and then 4 s heartbeats failed on a 2-core machine busy with a release
        // build. The silent side is dead after ~16 s, well inside the 26 s wait — the wait is a condition of the
        // test (a connection must have been silent for longer than the broker allows), not a hope about speed.
        let ticking = AMQPPublisher(configuration: try TestBroker.configuration(heartbeat: .seconds(8)), topology: topology)
        let silent = AMQPPublisher(configuration: try TestBroker.configuration(heartbeat: .seconds(8)), topology: topology)
        try await ticking.connect()
        try await silent.connect()
        let heartbeats = Task { await ticking.runHeartbeats() }
        try await Task.sleep(for: .seconds(26))
        heartbeats.cancel()
        try await ticking.publish(OutgoingMessage(exchange: "", routingKey: queue, text: "still here"))
        try await silent.publish(OutgoingMessage(exchange: "", routingKey: queue, text: "back again"))
        #expect(await ticking.connectionsOpened == 1)
        // The broker closed the silent connection after missing two heartbeats; the publish reconnected.
        #expect(await silent.connectionsOpened == 2)
        await ticking.close()
        await silent.close()
    }
}
