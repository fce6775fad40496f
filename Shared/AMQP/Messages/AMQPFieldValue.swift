/// A value in an AMQP field table: message headers and queue/exchange/binding arguments.
///
/// Integers of every width arrive as ``int(_:)`` (unsigned 64-bit values above `Int64.max` are clamped);
/// outgoing integers are sent as signed 64-bit ("long"), which RabbitMQ accepts for all its `x-` arguments.
public indirect enum AMQPFieldValue: Sendable, Hashable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    /// Seconds since the epoch.
    case timestamp(UInt64)
    case array([AMQPFieldValue])
    case table([String: AMQPFieldValue])
    case void

    /// The string, if this is one (`x-death`'s `reason`, say).
    public var stringValue: String? {
        switch self {
        case .string(let value): value
        case .bytes(let value): String(decoding: value, as: UTF8.self)
        default: nil
        }
    }

    /// The integer, if this is one (`x-delivery-count`, `x-death`'s `count`).
    public var intValue: Int64? {
        if case .int(let value) = self { value } else { nil }
    }

    public var arrayValue: [AMQPFieldValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    public var tableValue: [String: AMQPFieldValue]? {
        if case .table(let value) = self { value } else { nil }
    }
}

extension AMQPFieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
