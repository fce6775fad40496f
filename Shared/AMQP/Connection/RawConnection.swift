import KilnBase
import CRabbitMQ
import Foundation
import Logging
import Metrics
import Synchronization

/// One librabbitmq connection: the C handle plus the synchronous calls the actors make on it.
///
/// Not `Sendable` and never shared: each instance is created, used and destroyed inside exactly one connection
/// actor (so always on that actor's private queue). Every method is synchronous — no suspension point can
/// split an AMQP exchange of frames — and every wait is bounded by a timeout.
final class RawConnection {
    private var state: amqp_connection_state_t?
    /// Heartbeat in seconds the broker and we agreed on (0 = none).
    let negotiatedHeartbeat: Int
    /// Set once the socket is known to be dead: closing then skips the polite `connection.close`, which could block.
    private(set) var isBroken = false
    /// Reusable buffer for the strings of one publish (properties, exchange, routing key): avoids allocating
    /// per message on the hot path.
    private var scratch: [UInt8] = []
    /// The broker address this connection reached (the first of ``AMQPConnectionConfiguration/urls`` that
    /// accepted it).
    let address: AMQPURL
    /// Whether the broker has blocked this connection (`connection.blocked`, not yet unblocked).
    private var isBlocked = false
    /// What this connection is for (`publisher`, `consumer`, `rpc`): the label of its flow-control metrics.
    private let role: String
    private let logger: Logger

    /// Opens the TCP socket and logs in.
    ///
    /// - Throws: ``AMQPError/library(status:message:during:)`` for socket failures,
    ///   ``AMQPError/connectionClosed(code:text:)`` when the broker refuses the login.
    init(
        configuration: AMQPConnectionConfiguration, role: String,
        logger: Logger = Logger(label: "kiln.amqp", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(AMQPError) {
        self.role = role
        self.logger = logger
        // Each broker address in turn (a cluster's nodes): the first that accepts the login wins, so a
        // connection lost with its node comes back on a surviving one at the next attempt.
        var lastError = AMQPError.invalidArgument("no broker address configured")
        var recoverable: AMQPError?
        var opened: (amqp_connection_state_t, AMQPURL)?
        for url in configuration.urls {
            do {
                opened = (try Self.open(url, configuration: configuration), url)
                break
            } catch {
                lastError = error
                if error.isRecoverableByReconnecting, recoverable == nil { recoverable = error }
                if configuration.urls.count > 1 {
                    logger.warning("broker address failed; trying the next", metadata: ["amqp.url": "\(url)", "amqp.error": "\(error)"])
                }
                // Refused credentials are refused by every node of a cluster; anything else (unreachable, a
                // vhost down on that node, 530) may be that node's alone: try the next.
                if case .connectionClosed(403, _) = error { throw error }
            }
        }
        // When some node failed in a way a later attempt can fix, say that one: the caller then retries
        // instead of giving up because the last node in the list happened to refuse.
        guard let (state, url) = opened else { throw recoverable ?? lastError }
        self.state = state
        address = url
        negotiatedHeartbeat = Int(amqp_get_heartbeat(state))
        var rpcTimeout = Self.timeval(configuration.rpcTimeout)
        _ = amqp_set_rpc_timeout(state, &rpcTimeout)
    }

    /// Opens the socket to one broker address and logs in; on failure nothing is left open.
    private static func open(_ url: AMQPURL, configuration: AMQPConnectionConfiguration) throws(AMQPError)
        -> amqp_connection_state_t
    {
        guard let state = amqp_new_connection() else {
            throw .library(status: -1, message: "out of memory", during: "amqp_new_connection")
        }
        guard let socket = amqp_tcp_socket_new(state) else {
            amqp_destroy_connection(state)
            throw .library(status: -1, message: "cannot create a TCP socket", during: "amqp_tcp_socket_new")
        }
        var timeout = Self.timeval(configuration.connectTimeout)
        let openStatus = amqp_socket_open_noblock(socket, url.host, Int32(url.port), &timeout)
        guard openStatus == AMQP_STATUS_OK.rawValue else {
            amqp_destroy_connection(state)
            throw Self.libraryError(openStatus, during: "connecting to \(url.host):\(url.port)")
        }
        _ = amqp_set_handshake_timeout(state, &timeout)
        let reply = CRabbitMQ_login_plain(
            state, url.virtualHost, 0, Int32(configuration.frameMax), configuration.heartbeatSeconds, url.user,
            url.password)
        if reply.reply_type != AMQP_RESPONSE_NORMAL {
            let error = Self.error(from: reply, during: "login to vhost '\(url.virtualHost)' as '\(url.user)' on \(url.host):\(url.port)")
            amqp_destroy_connection(state)
            throw error
        }
        return state
    }

    deinit {
        // No blocking I/O here: actors call close() on their normal exit path.
        if isBlocked { Self.recordBlocked(role: role, change: -1) }
        if let state { amqp_destroy_connection(state) }
    }

    /// Says goodbye to the broker when the socket still works, then frees everything.
    func close() {
        if isBlocked {
            isBlocked = false
            Self.recordBlocked(role: role, change: -1)
        }
        guard let state else { return }
        if !isBroken { _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS) }
        amqp_destroy_connection(state)
        self.state = nil
    }

    /// Marks the connection unusable (after a socket error or a connection.close from the broker).
    func markBroken() { isBroken = true }

    private var handle: amqp_connection_state_t {
        // The handle is only nil after close(), after which the owning actor drops this object.
        state!
    }

    // MARK: Channels and topology

    func openChannel(_ channel: UInt16) throws(AMQPError) {
        amqp_channel_open(handle, channel)
        try check(amqp_get_rpc_reply(handle), channel: channel, during: "opening channel \(channel)")
    }

    func closeChannel(_ channel: UInt16) {
        _ = amqp_channel_close(handle, channel, AMQP_REPLY_SUCCESS)
    }

    func confirmSelect(_ channel: UInt16) throws(AMQPError) {
        amqp_confirm_select(handle, channel)
        try check(amqp_get_rpc_reply(handle), channel: channel, during: "confirm.select")
    }

    func qos(_ channel: UInt16, prefetch: UInt16) throws(AMQPError) {
        amqp_basic_qos(handle, channel, 0, prefetch, 0)
        try check(amqp_get_rpc_reply(handle), channel: channel, during: "basic.qos \(prefetch)")
    }

    func declare(_ topology: Topology, channel: UInt16) throws(AMQPError) {
        for exchange in topology.exchanges {
            let arena = CMemoryArena()
            amqp_exchange_declare(
                handle, channel, arena.bytes(exchange.name), arena.bytes(exchange.kind.rawValue), 0,
                exchange.durable ? 1 : 0, exchange.autoDelete ? 1 : 0, 0, arena.table(exchange.arguments))
            try check(
                amqp_get_rpc_reply(handle), channel: channel, during: "declaring exchange '\(exchange.name)'")
        }
        for queue in topology.queues {
            let arena = CMemoryArena()
            amqp_queue_declare(
                handle, channel, arena.bytes(queue.name), 0, queue.durable ? 1 : 0, queue.exclusive ? 1 : 0,
                queue.autoDelete ? 1 : 0, arena.table(queue.arguments))
            do {
                try check(amqp_get_rpc_reply(handle), channel: channel, during: "declaring queue '\(queue.name)'")
            } catch .channelClosed(406, let text) where queue.acceptsExistingArguments {
                // The queue exists with other arguments (declared by an earlier version): keep it as it is.
                try openChannel(channel)
                amqp_queue_declare(handle, channel, arena.bytes(queue.name), 1, 0, 0, 0, amqp_empty_table)
                try check(amqp_get_rpc_reply(handle), channel: channel, during: "checking queue '\(queue.name)'")
                logger.warning(
                    "queue exists with other arguments than this version declares; kept as it is",
                    metadata: ["amqp.queue": "\(queue.name)", "amqp.error": "\(text)"])
            }
            withExtendedLifetime(arena) {}
        }
        for (binding, bind) in topology.bindings.map({ ($0, true) }) + topology.unbindings.map({ ($0, false) }) {
            let arena = CMemoryArena()
            let (queue, exchange, key, arguments) = (
                arena.bytes(binding.queue), arena.bytes(binding.exchange), arena.bytes(binding.routingKey),
                arena.table(binding.arguments)
            )
            if bind {
                amqp_queue_bind(handle, channel, queue, exchange, key, arguments)
            } else {
                amqp_queue_unbind(handle, channel, queue, exchange, key, arguments)
            }
            try check(
                amqp_get_rpc_reply(handle), channel: channel,
                during: "\(bind ? "binding" : "unbinding") queue '\(binding.queue)' \(bind ? "to" : "from") "
                    + "'\(binding.exchange)' with '\(binding.routingKey)'")
        }
    }

    /// Declares a queue with an empty name, so the broker picks a unique `amq.gen-…` name, exclusive to this
    /// connection and deleted with it; returns the name the broker chose.
    func declareServerNamedQueue(channel: UInt16, arguments: [String: AMQPFieldValue]) throws(AMQPError) -> String {
        let arena = CMemoryArena()
        let ok = amqp_queue_declare(handle, channel, arena.bytes(""), 0, 0, 1, 1, arena.table(arguments))
        try check(amqp_get_rpc_reply(handle), channel: channel, during: "declaring a server-named queue")
        guard let ok else {
            throw .library(status: -1, message: "no queue.declare-ok", during: "declaring a server-named queue")
        }
        let name = CDecoding.string(ok.pointee.queue)
        guard !name.isEmpty else {
            throw .library(status: -1, message: "the broker returned an empty queue name", during: "queue.declare")
        }
        return name
    }

    /// Messages ready in a queue (waiting to be delivered; unacknowledged ones are not counted), by a passive
    /// `queue.declare` on `channel`, which is opened and closed here: a missing queue closes that channel
    /// (404) and is thrown as ``AMQPError/channelClosed(code:text:)`` without touching the caller's channels.
    func readyMessages(queue name: String, channel: UInt16) throws(AMQPError) -> Int {
        try openChannel(channel)
        let arena = CMemoryArena()
        let ok = amqp_queue_declare(handle, channel, arena.bytes(name), 1, 0, 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(handle), channel: channel, during: "counting the messages of queue '\(name)'")
        let count = ok.map { Int($0.pointee.message_count) } ?? 0
        closeChannel(channel)
        return count
    }

    /// Deletes a queue (tests and tools; services leave queues alone).
    func deleteQueue(_ name: String, channel: UInt16) throws(AMQPError) {
        let arena = CMemoryArena()
        amqp_queue_delete(handle, channel, arena.bytes(name), 0, 0)
        try check(amqp_get_rpc_reply(handle), channel: channel, during: "deleting queue '\(name)'")
    }

    func consume(_ channel: UInt16, queue: String, consumerTag: String, noAck: Bool) throws(AMQPError) {
        let arena = CMemoryArena()
        amqp_basic_consume(
            handle, channel, arena.bytes(queue), arena.bytes(consumerTag), 0, noAck ? 1 : 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(handle), channel: channel, during: "consuming from '\(queue)'")
    }

    // MARK: Publishing

    /// Writes one message to the socket (`basic.publish`); success only means "written".
    func publish(_ message: OutgoingMessage, channel: UInt16) throws(AMQPError) {
        let props = message.properties
        // All strings of this call go into one reusable buffer; their amqp_bytes_t point into it.
        scratch.removeAll(keepingCapacity: true)
        func append(_ text: String) -> Range<Int> {
            let start = scratch.count
            scratch.append(contentsOf: text.utf8)
            return start..<scratch.count
        }
        func append(_ text: String?) -> Range<Int>? { text.map { append($0) } }
        let exchange = append(message.exchange)
        let routingKey = append(message.routingKey)
        let contentType = append(props.contentType)
        let messageID = append(props.messageID)
        let type = append(props.type)
        let appID = append(props.appID)
        let correlationID = append(props.correlationID)
        let replyTo = append(props.replyTo)
        let expiration = append(props.expiration)
        let arena = props.headers.isEmpty ? nil : CMemoryArena()
        let headers = arena?.table(props.headers)
        let handle = self.handle
        let mandatory: amqp_boolean_t = message.mandatory ? 1 : 0
        let status: Int32 = scratch.withUnsafeMutableBytes { strings in
            func bytes(_ range: Range<Int>) -> amqp_bytes_t {
                amqp_bytes_t(len: range.count, bytes: strings.baseAddress.map { $0 + range.lowerBound })
            }
            var raw = amqp_basic_properties_t()
            var flags: Int32 = 0
            if let contentType {
                raw.content_type = bytes(contentType)
                flags |= AMQP_BASIC_CONTENT_TYPE_FLAG
            }
            raw.delivery_mode = props.persistent ? 2 : 1
            flags |= AMQP_BASIC_DELIVERY_MODE_FLAG
            if let messageID {
                raw.message_id = bytes(messageID)
                flags |= AMQP_BASIC_MESSAGE_ID_FLAG
            }
            if let type {
                raw.type = bytes(type)
                flags |= AMQP_BASIC_TYPE_FLAG
            }
            if let appID {
                raw.app_id = bytes(appID)
                flags |= AMQP_BASIC_APP_ID_FLAG
            }
            if let correlationID {
                raw.correlation_id = bytes(correlationID)
                flags |= AMQP_BASIC_CORRELATION_ID_FLAG
            }
            if let replyTo {
                raw.reply_to = bytes(replyTo)
                flags |= AMQP_BASIC_REPLY_TO_FLAG
            }
            if let expiration {
                raw.expiration = bytes(expiration)
                flags |= AMQP_BASIC_EXPIRATION_FLAG
            }
            if let timestamp = props.timestamp {
                raw.timestamp = timestamp
                flags |= AMQP_BASIC_TIMESTAMP_FLAG
            }
            if let headers {
                raw.headers = headers
                flags |= AMQP_BASIC_HEADERS_FLAG
            }
            raw._flags = amqp_flags_t(flags)
            return message.body.withUnsafeBytes { body in
                amqp_basic_publish(
                    handle, channel, bytes(exchange), bytes(routingKey), mandatory, 0, &raw,
                    amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
            }
        }
        withExtendedLifetime(arena) {}
        if status != AMQP_STATUS_OK.rawValue {
            isBroken = true
            throw Self.libraryError(status, during: "basic.publish")
        }
    }

    // MARK: Settling deliveries

    func settle(_ settlement: Settlement, multiple: Bool = false) throws(AMQPError) {
        let status: Int32
        switch settlement.kind {
        case .ack:
            status = amqp_basic_ack(handle, settlement.channel, settlement.deliveryTag, multiple ? 1 : 0)
        case .nack(let requeue):
            status = amqp_basic_nack(
                handle, settlement.channel, settlement.deliveryTag, multiple ? 1 : 0, requeue ? 1 : 0)
        case .reject(let requeue):
            status = amqp_basic_reject(handle, settlement.channel, settlement.deliveryTag, requeue ? 1 : 0)
        }
        if status != AMQP_STATUS_OK.rawValue {
            isBroken = true
            throw Self.libraryError(status, during: "settling delivery \(settlement.deliveryTag)")
        }
    }

    // MARK: Reading frames

    /// What one frame read produced, already copied out of librabbitmq's buffers.
    enum Event {
        case ack(tag: UInt64, multiple: Bool)
        case nack(tag: UInt64, multiple: Bool)
        /// A `basic.return` with its message (read fully).
        case returned(code: UInt16, text: String, messageID: String?)
        case delivery(channel: UInt16, consumerTag: String, envelope: InboundMessage)
        case channelClosed(channel: UInt16, code: UInt16, text: String)
        case consumerCancelled(channel: UInt16, consumerTag: String)
        /// Anything else (heartbeats are handled inside librabbitmq).
        case other
        case timeout
    }

    /// A received message's content, copied into Swift.
    struct InboundMessage {
        var deliveryTag: UInt64
        var redelivered: Bool
        var exchange: String
        var routingKey: String
        var properties: MessageProperties
        var body: [UInt8]
    }

    /// Waits up to `timeout` for the next frame (this also sends and checks heartbeats).
    ///
    /// Connection-level trouble (socket error, missed heartbeats, `connection.close`) is thrown; a
    /// `channel.close` is answered with close-ok and returned as an event.
    func nextEvent(timeout: Duration) throws(AMQPError) -> Event {
        let handle = self.handle
        amqp_maybe_release_buffers(handle)
        var frame = amqp_frame_t()
        var wait = Self.timeval(timeout)
        let status = amqp_simple_wait_frame_noblock(handle, &frame, &wait)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return .timeout }
        guard status == AMQP_STATUS_OK.rawValue else {
            isBroken = true
            throw Self.libraryError(status, during: "waiting for a frame")
        }
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return .other }
        let method = frame.payload.method
        switch method.id {
        case AMQP_BASIC_ACK_METHOD:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            return .ack(tag: ack.delivery_tag, multiple: ack.multiple != 0)
        case AMQP_BASIC_NACK_METHOD:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            return .nack(tag: nack.delivery_tag, multiple: nack.multiple != 0)
        case AMQP_BASIC_RETURN_METHOD:
            let returned = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let code = returned.reply_code
            let text = CDecoding.string(returned.reply_text)
            let message = try readContent(channel: frame.channel)
            return .returned(code: code, text: text, messageID: message.properties.messageID)
        case AMQP_BASIC_DELIVER_METHOD:
            let deliver = method.decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            let consumerTag = CDecoding.string(deliver.consumer_tag)
            var message = try readContent(channel: frame.channel)
            message.deliveryTag = deliver.delivery_tag
            message.redelivered = deliver.redelivered != 0
            message.exchange = CDecoding.string(deliver.exchange)
            message.routingKey = CDecoding.string(deliver.routing_key)
            return .delivery(channel: frame.channel, consumerTag: consumerTag, envelope: message)
        case AMQP_BASIC_CANCEL_METHOD:
            let cancel = method.decoded.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee
            return .consumerCancelled(channel: frame.channel, consumerTag: CDecoding.string(cancel.consumer_tag))
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            let event = Event.channelClosed(
                channel: frame.channel, code: close.reply_code, text: CDecoding.string(close.reply_text))
            var ok = amqp_channel_close_ok_t()
            _ = amqp_send_method(handle, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
            return event
        case AMQP_CONNECTION_BLOCKED_METHOD:
            let blocked = method.decoded.assumingMemoryBound(to: amqp_connection_blocked_t.self).pointee
            noteFlowControl(blocked: true, reason: CDecoding.string(blocked.reason))
            return .other
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            noteFlowControl(blocked: false, reason: nil)
            return .other
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let error = AMQPError.connectionClosed(code: close.reply_code, text: CDecoding.string(close.reply_text))
            var ok = amqp_connection_close_ok_t()
            _ = amqp_send_method(handle, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
            isBroken = true
            throw error
        default:
            return .other
        }
    }

    /// A resource alarm (memory, disk) on the broker blocks every publishing connection until it clears:
    /// publishes and confirms wait meanwhile. Said once each way in the log, and as
    /// `kiln_amqp_connection_blocked{connection}` (how many connections of that role are blocked now) and
    /// `kiln_amqp_connection_blocked_total`.
    private func noteFlowControl(blocked: Bool, reason: String?) {
        guard blocked != isBlocked else { return }
        isBlocked = blocked
        Self.recordBlocked(role: role, change: blocked ? 1 : -1)
        if blocked {
            Counter(label: "kiln_amqp_connection_blocked_total", dimensions: [("connection", role)]).increment()
            logger.warning(
                "the broker blocked this connection (resource alarm): publishes wait until it clears",
                metadata: ["amqp.connection": "\(role)", "amqp.reason": "\(reason ?? "")"])
        } else {
            logger.notice("the broker unblocked this connection", metadata: ["amqp.connection": "\(role)"])
        }
    }

    /// Blocked connections per role in this process, behind the gauge: a connection closed while blocked
    /// takes itself out, and one connection's unblock does not hide another's block.
    private static let blockedByRole = Mutex<[String: Int]>([:])

    private static func recordBlocked(role: String, change: Int) {
        blockedByRole.withLock { counts in
            counts[role, default: 0] += change
            // Recorded under the lock, so two connections' changes cannot land in the wrong order.
            Gauge(label: "kiln_amqp_connection_blocked", dimensions: [("connection", role)]).record(counts[role, default: 0])
        }
    }

    /// Blocks until the socket has bytes to read, `wake` (a pipe's read end) is readable, or `timeout` passes; returns
    /// at once when librabbitmq has already buffered input. It never reads: the caller reads with
    /// ``nextDelivery(timeout:)``, which also sends a heartbeat that fell due meanwhile (so `timeout` must
    /// stay below the heartbeat interval, as the consumer's poll timeout does). That first read must use a
    /// timeout above zero (``heartbeatCheckTimeout``): librabbitmq only reports a silent broker
    /// (`AMQP_STATUS_HEARTBEAT_TIMEOUT`) when its receive deadline is the heartbeat's, and a zero timeout
    /// always comes first.
    ///
    /// Why not wait inside librabbitmq: its wait cannot be interrupted, and a consumer must wake for its own
    /// handlers' acks, or the broker (held back by the prefetch) sends nothing until the wait ends.
    /// The smallest timeout that still lets librabbitmq notice missed heartbeats (see ``waitForInput(orWake:timeout:)``).
    static let heartbeatCheckTimeout = Duration.microseconds(1)

    func waitForInput(orWake wake: Int32, timeout: Duration) {
        guard !hasBufferedData else { return }
        let socket = amqp_get_sockfd(handle)
        guard socket >= 0 else { return }  // closed: the read that follows reports the error
        var descriptors = [
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        let milliseconds = Int32(clamping: max(0, timeout.wholeMilliseconds))
        // EINTR or any other failure just ends the wait early; the read that follows sees the truth.
        _ = poll(&descriptors, nfds_t(wake >= 0 ? 2 : 1), milliseconds)
    }

    /// Reads a delivery through `amqp_consume_message` (the fast path for consumers); returns nil on timeout
    /// and falls back to ``nextEvent(timeout:)`` when a non-delivery frame is waiting.
    func nextDelivery(timeout: Duration) throws(AMQPError) -> Event {
        let handle = self.handle
        amqp_maybe_release_buffers(handle)
        var envelope = amqp_envelope_t()
        var wait = Self.timeval(timeout)
        let reply = amqp_consume_message(handle, &envelope, &wait, 0)
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            defer { amqp_destroy_envelope(&envelope) }
            let message = InboundMessage(
                deliveryTag: envelope.delivery_tag, redelivered: envelope.redelivered != 0,
                exchange: CDecoding.string(envelope.exchange), routingKey: CDecoding.string(envelope.routing_key),
                properties: CDecoding.properties(envelope.message.properties),
                body: CDecoding.bytes(envelope.message.body))
            return .delivery(
                channel: envelope.channel, consumerTag: CDecoding.string(envelope.consumer_tag), envelope: message)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_TIMEOUT.rawValue:
            return .timeout
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue:
            return try nextEvent(timeout: .zero)
        default:
            throw error(from: reply, channel: 0, during: "consuming")
        }
    }

    /// Whether more bytes are already buffered (another delivery can be read without waiting).
    var hasBufferedData: Bool {
        guard let state else { return false }
        return amqp_data_in_buffer(state) != 0 || amqp_frames_enqueued(state) != 0
    }

    private func readContent(channel: UInt16) throws(AMQPError) -> InboundMessage {
        var message = amqp_message_t()
        let reply = amqp_read_message(handle, channel, &message, 0)
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            throw error(from: reply, channel: channel, during: "reading message content")
        }
        defer { amqp_destroy_message(&message) }
        return InboundMessage(
            deliveryTag: 0, redelivered: false, exchange: "", routingKey: "",
            properties: CDecoding.properties(message.properties), body: CDecoding.bytes(message.body))
    }

    // MARK: Errors

    private func check(_ reply: amqp_rpc_reply_t, channel: UInt16, during operation: String) throws(AMQPError) {
        guard reply.reply_type != AMQP_RESPONSE_NORMAL else { return }
        throw error(from: reply, channel: channel, during: operation)
    }

    /// Turns a failed RPC reply into an error, answering the broker's close with close-ok as the protocol asks.
    private func error(from reply: amqp_rpc_reply_t, channel: UInt16, during operation: String) -> AMQPError {
        let error = Self.error(from: reply, during: operation)
        switch error {
        case .channelClosed:
            var ok = amqp_channel_close_ok_t()
            _ = amqp_send_method(handle, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
        case .connectionClosed:
            var ok = amqp_connection_close_ok_t()
            _ = amqp_send_method(handle, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
            isBroken = true
        default:
            isBroken = true
        }
        return error
    }

    private static func error(from reply: amqp_rpc_reply_t, during operation: String) -> AMQPError {
        switch reply.reply_type {
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return libraryError(reply.library_error, during: operation)
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch reply.reply.id {
            case AMQP_CHANNEL_CLOSE_METHOD:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                return .channelClosed(code: close.reply_code, text: CDecoding.string(close.reply_text))
            case AMQP_CONNECTION_CLOSE_METHOD:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                return .connectionClosed(code: close.reply_code, text: CDecoding.string(close.reply_text))
            default:
                return .library(
                    status: -1, message: "unexpected server method \(reply.reply.id)", during: operation)
            }
        default:
            return .library(status: -1, message: "no RPC reply", during: operation)
        }
    }

    static func libraryError(_ status: Int32, during operation: String) -> AMQPError {
        .library(status: status, message: String(cString: amqp_error_string2(status)), during: operation)
    }

    static func timeval(_ duration: Duration) -> Foundation.timeval {
        let (seconds, attoseconds) = duration.components
        return Foundation.timeval(
            tv_sec: Int(max(seconds, 0)), tv_usec: Int(max(attoseconds, 0) / 1_000_000_000_000))
    }
}
