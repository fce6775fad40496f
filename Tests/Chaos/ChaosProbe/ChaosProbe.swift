// The message side of deploy/chaos: publishes hand-made messages the way an attacker, a buggy client or a
// replaying broker would, so the chaos suite can check what the services do with them. Not a Kiln tool:
// built only for the suite (like the benchmarks), never staged into an image.
//
//   ChaosProbe URL EXCHANGE ROUTING_KEY [options]      the body is read from standard input
//
//   --type T            the AMQP `type` property (default: the routing key)
//   --message-id ID     the same message_id on every copy (default: a fresh UUID per copy)
//   --count N           publish N copies (default 1)
//   --template          in each copy, replace @UUID@ by a fresh UUID and @HEX64@ by 64 fresh hex digits
//   --repeat-body N     the body is standard input repeated N times (an oversized message)
//   --no-mandatory      publish without `mandatory` (an unroutable copy then vanishes instead of coming back)
//
// Prints one line: `published N, returned M, refused K` (returned: no queue took it; refused: the broker or
// this client's 16 MiB cap refused it). Exit 0 when every copy has an outcome, 1 on a connection failure.
import AMQP
import Foundation

@main
struct ChaosProbe {
    static func main() async {
        do {
            try await run(Array(CommandLine.arguments.dropFirst()))
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("ChaosProbe: \(error.message)\n".utf8))
            exit(64)
        } catch {
            FileHandle.standardError.write(Data("ChaosProbe: \(error)\n".utf8))
            exit(1)
        }
    }

    struct UsageError: Error { let message: String }

    static func run(_ arguments: [String]) async throws {
        guard arguments.count >= 3 else {
            throw UsageError(message: "usage: ChaosProbe URL EXCHANGE ROUTING_KEY [--type T] [--message-id ID] [--count N] [--template] [--repeat-body N] [--no-mandatory] < body")
        }
        var type = arguments[2]
        var messageID: String?
        var count = 1
        var template = false
        var repeatBody = 1
        var mandatory = true
        var rest = arguments.dropFirst(3).makeIterator()
        func value(_ option: String) throws -> String {
            guard let value = rest.next() else { throw UsageError(message: "\(option) needs a value") }
            return value
        }
        func positive(_ option: String) throws -> Int {
            let text = try value(option)
            guard let number = Int(text), number >= 1 else {
                throw UsageError(message: "\(option) needs a whole number of at least 1, got '\(text)'")
            }
            return number
        }
        while let option = rest.next() {
            switch option {
            case "--type": type = try value(option)
            case "--message-id": messageID = try value(option)
            case "--count": count = try positive(option)
            case "--template": template = true
            case "--repeat-body": repeatBody = try positive(option)
            case "--no-mandatory": mandatory = false
            default: throw UsageError(message: "unknown option '\(option)'")
            }
        }
        let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let body = String(repeating: input, count: repeatBody)
        var configuration = try AMQPConnectionConfiguration(url: arguments[0])
        configuration.maxMessageSize = 16 << 20
        let messages = (0..<count).map { _ in
            var text = body
            if template {
                text = text.replacingOccurrences(of: "@UUID@", with: UUID().uuidString.lowercased())
                    .replacingOccurrences(of: "@HEX64@", with: randomHex(64))
            }
            return OutgoingMessage(
                exchange: arguments[1], routingKey: arguments[2], text: text,
                properties: MessageProperties(
                    contentType: "application/json", persistent: true,
                    messageID: messageID ?? UUID().uuidString.lowercased(), type: type, appID: "chaos-probe"),
                mandatory: mandatory)
        }
        let publisher = AMQPPublisher(configuration: configuration)
        var published = 0
        var returned = 0
        var refused = 0
        for outcome in try await publisher.publish(messages, window: 100) {
            switch outcome {
            case .success: published += 1
            case .failure(.unroutable): returned += 1
            case .failure: refused += 1
            }
        }
        await publisher.close()
        print("published \(published), returned \(returned), refused \(refused)")
    }

    static func randomHex(_ digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<digits).map { _ in "0123456789abcdef".randomElement(using: &generator)! })
    }
}
