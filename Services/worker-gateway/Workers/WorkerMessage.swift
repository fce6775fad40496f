import AMQP
import KilnCore
import KilnRuntime

/// One decoded message from `worker-gateway.workers`.
enum WorkerMessage: Sendable {
    case hello(WorkerHello)
    case heartbeat(WorkerHeartbeat)
    case metadata(WorkerMetadataUpdate)
    case result(WorkerResult)

    /// The message kind, for logs and metrics.
    var kind: WorkerMessageKind {
        switch self {
        case .hello: .hello
        case .heartbeat: .heartbeat
        case .metadata: .metadata
        case .result: .result
        }
    }

    /// The token the message authenticates with.
    var token: String {
        switch self {
        case .hello(let body): body.token
        case .heartbeat(let body): body.token
        case .metadata(let body): body.token
        case .result(let body): body.token
        }
    }

    /// Checks size, `message_id` and kind (the AMQP `type`, falling back to the routing key) and decodes
    /// the body, turning every failure into the reason the message is dead-lettered with.
    static func decode(_ delivery: Delivery, maxBodySize: Int) -> Result<(WorkerMessage, String), DeadLetterReason> {
        guard delivery.body.count <= maxBodySize else {
            return .failure(.tooLarge(bytes: delivery.body.count, limit: maxBodySize))
        }
        guard let messageID = delivery.properties.messageID, (1...255).contains(messageID.utf8.count) else {
            return .failure(.missingMessageID)
        }
        let kindText = delivery.properties.type ?? delivery.routingKey
        guard let kind = WorkerMessageKind(rawValue: kindText) else { return .failure(.unknownEventType(kindText)) }
        do throws(MessageError) {
            let message: WorkerMessage =
                switch kind {
                case .hello: .hello(try MessageCodec.decode(WorkerHello.self, from: delivery.body))
                case .heartbeat: .heartbeat(try MessageCodec.decode(WorkerHeartbeat.self, from: delivery.body))
                case .metadata: .metadata(try MessageCodec.decode(WorkerMetadataUpdate.self, from: delivery.body))
                case .result: .result(try MessageCodec.decode(WorkerResult.self, from: delivery.body))
                }
            return .success((message, messageID))
        } catch {
            return .failure(.badBody(error))
        }
    }
}
