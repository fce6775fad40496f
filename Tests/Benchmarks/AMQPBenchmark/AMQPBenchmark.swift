// BM3: the Swift wrapper doing exactly what deploy/bench/amqp_baseline.c does on the same librabbitmq.
//
//   AMQPBenchmark URL publish WINDOW COUNT
//   AMQPBenchmark URL consume PREFETCH COUNT
//
// publish: 1 KiB persistent mandatory messages to a fresh durable classic queue with confirms, at most WINDOW
//          unconfirmed (window 1 uses the simple `publish(_:)` per message); timed from connect to last confirm.
// consume: fills a fresh durable classic queue with COUNT messages (untimed), then consumes them the way the
//          services do — through BoundedDeliveryLoop, each delivery acked from its handler's task, outside the
//          receive loop, at prefetch = concurrency = PREFETCH; timed from connect to the last delivery handled.
//          (Acking inside the receive loop, as this point once did, hid the 250 ms ack stall that capped every
//          service at 32 events a second.)
// Prints "RESULT <messages per second>". Run through deploy/bench/amqp, which runs the C baseline alongside.
import AMQP
import Foundation
import KilnRuntime
import Logging
import Synchronization

@main
struct AMQPBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 5, let parameter = Int(arguments[3]), parameter > 0,
            let count = Int(arguments[4]), count > 0
        else {
            FileHandle.standardError.write(Data("usage: AMQPBenchmark URL publish|consume WINDOW|PREFETCH COUNT\n".utf8))
            exit(2)
        }
        let configuration = try AMQPConnectionConfiguration(url: arguments[1])
        let queue = "bench.swift.\(ProcessInfo.processInfo.processIdentifier)"
        let topology = Topology(queues: [.classic(name: queue)])
        let seconds: Double
        switch arguments[2] {
        case "publish":
            let messages = makeMessages(queue: queue, count: count)
            let publisher = AMQPPublisher(configuration: configuration, topology: topology)
            let start = ContinuousClock.now
            if parameter == 1 {
                for message in messages { try await publisher.publish(message) }
            } else {
                for result in try await publisher.publish(messages, window: parameter) { try result.get() }
            }
            seconds = (ContinuousClock.now - start).seconds
            try await publisher.deleteQueue(queue)
            await publisher.close()
        case "consume":
            let filler = AMQPPublisher(configuration: configuration, topology: topology)
            for result in try await filler.publish(makeMessages(queue: queue, count: count), window: 1000) {
                try result.get()
            }
            // The services' path: BoundedDeliveryLoop hands each delivery to a task of its group, which acks
            // after its (here empty) work, outside the receive loop; prefetch = concurrency, as in the services.
            let loop = BoundedDeliveryLoop(
                queue: queue, amqp: configuration, topology: topology, concurrency: parameter,
                startMessage: "benchmark consuming",
                logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
            let received = Mutex(0)
            let start = ContinuousClock.now
            try await loop.run { delivery in
                delivery.ack()
                if received.withLock({ value in
                    value += 1
                    return value == count
                }) {
                    loop.stop()
                }
            }
            seconds = (ContinuousClock.now - start).seconds
            try await filler.deleteQueue(queue)
            await filler.close()
        default:
            FileHandle.standardError.write(Data("AMQPBenchmark: mode must be publish or consume, got '\(arguments[2])'\n".utf8))
            exit(2)
        }
        print("RESULT \(String(format: "%.1f", Double(count) / seconds))")
    }

    static func makeMessages(queue: String, count: Int) -> [OutgoingMessage] {
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 1024)
        return (0..<count).map { index in
            OutgoingMessage(
                exchange: "", routingKey: queue, body: body,
                properties: MessageProperties(messageID: "s-\(index)", timestamp: nil))
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
