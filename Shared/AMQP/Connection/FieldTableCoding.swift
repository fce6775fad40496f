import CRabbitMQ
import Foundation

/// Owns the C memory of field tables built for one call (queue arguments, message headers): every
/// `amqp_table_t` and string passed to librabbitmq must stay alive until the call returns, and is freed with
/// this object.
final class CMemoryArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for pointer in allocations { free(pointer) }
    }

    func bytes(_ text: String) -> amqp_bytes_t {
        bytes(Array(text.utf8))
    }

    func bytes(_ raw: [UInt8]) -> amqp_bytes_t {
        guard !raw.isEmpty, let memory = malloc(raw.count) else { return amqp_bytes_t(len: 0, bytes: nil) }
        allocations.append(memory)
        raw.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: raw.count) }
        return amqp_bytes_t(len: raw.count, bytes: memory)
    }

    func table(_ entries: [String: AMQPFieldValue]) -> amqp_table_t {
        guard !entries.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        let pointer = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: entries.count)
        allocations.append(UnsafeMutableRawPointer(pointer))
        for (index, (key, value)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
            (pointer + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: field(value)))
        }
        return amqp_table_t(num_entries: Int32(entries.count), entries: pointer)
    }

    private func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch value {
        case .bool(let flag):
            field.kind = UInt8(AMQP_FIELD_KIND_BOOLEAN.rawValue)
            field.value.boolean = flag ? 1 : 0
        case .int(let number):
            field.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
            field.value.i64 = number
        case .double(let number):
            field.kind = UInt8(AMQP_FIELD_KIND_F64.rawValue)
            field.value.f64 = number
        case .string(let text):
            field.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
            field.value.bytes = bytes(text)
        case .bytes(let raw):
            field.kind = UInt8(AMQP_FIELD_KIND_BYTES.rawValue)
            field.value.bytes = bytes(raw)
        case .timestamp(let seconds):
            field.kind = UInt8(AMQP_FIELD_KIND_TIMESTAMP.rawValue)
            field.value.u64 = seconds
        case .array(let values):
            field.kind = UInt8(AMQP_FIELD_KIND_ARRAY.rawValue)
            let pointer = UnsafeMutablePointer<amqp_field_value_t>.allocate(capacity: max(values.count, 1))
            allocations.append(UnsafeMutableRawPointer(pointer))
            for (index, element) in values.enumerated() { (pointer + index).initialize(to: self.field(element)) }
            field.value.array = amqp_array_t(num_entries: Int32(values.count), entries: pointer)
        case .table(let entries):
            field.kind = UInt8(AMQP_FIELD_KIND_TABLE.rawValue)
            field.value.table = table(entries)
        case .void:
            field.kind = UInt8(AMQP_FIELD_KIND_VOID.rawValue)
        }
        return field
    }
}

/// Copies C-owned AMQP data into Swift values right away: decoded frames live in the connection's pools only
/// until the next read or `amqp_maybe_release_buffers`.
enum CDecoding {
    static func bytes(_ value: amqp_bytes_t) -> [UInt8] {
        guard value.len > 0, let start = value.bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: value.len))
    }

    static func string(_ value: amqp_bytes_t) -> String {
        guard value.len > 0, let start = value.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: value.len), as: UTF8.self)
    }

    static func table(_ table: amqp_table_t) -> [String: AMQPFieldValue] {
        guard table.num_entries > 0, let entries = table.entries else { return [:] }
        var result: [String: AMQPFieldValue] = [:]
        for index in 0..<Int(table.num_entries) {
            let entry = entries[index]
            result[string(entry.key)] = field(entry.value)
        }
        return result
    }

    static func field(_ field: amqp_field_value_t) -> AMQPFieldValue {
        switch UInt32(field.kind) {
        case AMQP_FIELD_KIND_BOOLEAN.rawValue: .bool(field.value.boolean != 0)
        case AMQP_FIELD_KIND_I8.rawValue: .int(Int64(field.value.i8))
        case AMQP_FIELD_KIND_U8.rawValue: .int(Int64(field.value.u8))
        case AMQP_FIELD_KIND_I16.rawValue: .int(Int64(field.value.i16))
        case AMQP_FIELD_KIND_U16.rawValue: .int(Int64(field.value.u16))
        case AMQP_FIELD_KIND_I32.rawValue: .int(Int64(field.value.i32))
        case AMQP_FIELD_KIND_U32.rawValue: .int(Int64(field.value.u32))
        case AMQP_FIELD_KIND_I64.rawValue: .int(field.value.i64)
        case AMQP_FIELD_KIND_U64.rawValue: .int(Int64(clamping: field.value.u64))
        case AMQP_FIELD_KIND_F32.rawValue: .double(Double(field.value.f32))
        case AMQP_FIELD_KIND_F64.rawValue: .double(field.value.f64)
        case AMQP_FIELD_KIND_UTF8.rawValue: .string(string(field.value.bytes))
        case AMQP_FIELD_KIND_BYTES.rawValue: .bytes(bytes(field.value.bytes))
        case AMQP_FIELD_KIND_TIMESTAMP.rawValue: .timestamp(field.value.u64)
        case AMQP_FIELD_KIND_TABLE.rawValue: .table(table(field.value.table))
        case AMQP_FIELD_KIND_ARRAY.rawValue:
            .array(
                (0..<Int(max(field.value.array.num_entries, 0))).compactMap { index in
                    field.value.array.entries.map { self.field($0[index]) }
                })
        case AMQP_FIELD_KIND_DECIMAL.rawValue:
            .double(
                Double(field.value.decimal.value) / Foundation.pow(10, Double(field.value.decimal.decimals)))
        default: .void
        }
    }

    static func properties(_ raw: amqp_basic_properties_t) -> MessageProperties {
        let flags = raw._flags
        func has(_ flag: Int32) -> Bool { flags & amqp_flags_t(flag) != 0 }
        return MessageProperties(
            contentType: has(AMQP_BASIC_CONTENT_TYPE_FLAG) ? string(raw.content_type) : nil,
            persistent: has(AMQP_BASIC_DELIVERY_MODE_FLAG) && raw.delivery_mode == 2,
            messageID: has(AMQP_BASIC_MESSAGE_ID_FLAG) ? string(raw.message_id) : nil,
            type: has(AMQP_BASIC_TYPE_FLAG) ? string(raw.type) : nil,
            timestamp: has(AMQP_BASIC_TIMESTAMP_FLAG) ? raw.timestamp : nil,
            appID: has(AMQP_BASIC_APP_ID_FLAG) ? string(raw.app_id) : nil,
            correlationID: has(AMQP_BASIC_CORRELATION_ID_FLAG) ? string(raw.correlation_id) : nil,
            replyTo: has(AMQP_BASIC_REPLY_TO_FLAG) ? string(raw.reply_to) : nil,
            expiration: has(AMQP_BASIC_EXPIRATION_FLAG) ? string(raw.expiration) : nil,
            headers: has(AMQP_BASIC_HEADERS_FLAG) ? table(raw.headers) : [:])
    }
}
