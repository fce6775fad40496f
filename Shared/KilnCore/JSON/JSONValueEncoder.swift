import Foundation

/// Encodes an `Encodable` value straight into a ``JSONValue``, with no JSON text in between: what
/// `JSONValue.from(_:)` uses (see ``JSONValueDecoder`` for why).
///
/// The result is the value a text round trip through `JSONEncoder` (default strategies) and Kiln's parser
/// gives: a floating-point number with no fractional part becomes an integer (`JSONEncoder` writes `2.0`
/// as `2`), `Data` becomes base64, `URL` its string, `Date` its own `Codable` form, a non-finite number is
/// refused, and a `JSONValue` inside the value is taken as it is.
struct JSONValueEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = Slot()
        try Node(slot: root, codingPath: []).encodeValue(value)
        guard let result = root.resolved() else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return result
    }

    /// Where one value goes; containers fill theirs as the encoding proceeds (reference semantics, because
    /// a container handed out may be written to after the call that made it returned).
    fileprivate final class Slot {
        enum Content {
            case empty
            case value(JSONValue)
            case object(ObjectBox)
            case array(ArrayBox)
        }

        var content = Content.empty

        func resolved() -> JSONValue? {
            switch content {
            case .empty: nil
            case .value(let value): value
            case .object(let box): .object(box.entries.compactMapValues { $0.resolved() })
            case .array(let box): .array(box.items.map { $0.resolved() ?? .object([:]) })
            }
        }

        func object() -> ObjectBox {
            if case .object(let box) = content { return box }
            let box = ObjectBox()
            content = .object(box)
            return box
        }

        func array() -> ArrayBox {
            if case .array(let box) = content { return box }
            let box = ArrayBox()
            content = .array(box)
            return box
        }
    }

    fileprivate final class ObjectBox {
        var entries: [String: Slot] = [:]

        func slot(_ key: String) -> Slot {
            if let existing = entries[key] { return existing }
            let slot = Slot()
            entries[key] = slot
            return slot
        }
    }

    fileprivate final class ArrayBox {
        var items: [Slot] = []

        func append() -> Slot {
            let slot = Slot()
            items.append(slot)
            return slot
        }
    }

    fileprivate struct Node: Encoder, SingleValueEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(box: slot.object(), codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            Unkeyed(box: slot.array(), codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { self }

        func encodeNil() throws { slot.content = .value(.null) }
        func encode(_ value: Bool) throws { slot.content = .value(.bool(value)) }
        func encode(_ value: String) throws { slot.content = .value(.string(value)) }
        func encode(_ value: Double) throws { slot.content = .value(try number(value)) }
        func encode(_ value: Float) throws { slot.content = .value(try number(Double(value))) }
        func encode(_ value: Int) throws { slot.content = .value(.int(value)) }
        func encode(_ value: Int8) throws { try integer(value) }
        func encode(_ value: Int16) throws { try integer(value) }
        func encode(_ value: Int32) throws { try integer(value) }
        func encode(_ value: Int64) throws { try integer(value) }
        func encode(_ value: UInt) throws { try integer(value) }
        func encode(_ value: UInt8) throws { try integer(value) }
        func encode(_ value: UInt16) throws { try integer(value) }
        func encode(_ value: UInt32) throws { try integer(value) }
        func encode(_ value: UInt64) throws { try integer(value) }
        func encode<T: Encodable>(_ value: T) throws { try encodeValue(value) }

        /// The fast and the special cases, then the value's own `encode(to:)`.
        func encodeValue<T: Encodable>(_ value: T) throws {
            if let json = value as? JSONValue {
                slot.content = .value(json)
            } else if let data = value as? Data {
                slot.content = .value(.string(data.base64EncodedString()))
            } else if let url = value as? URL {
                slot.content = .value(.string(url.absoluteString))
            } else {
                try value.encode(to: self)
            }
        }

        private func integer<T: FixedWidthInteger>(_ value: T) throws {
            guard let int = Int(exactly: value) else {
                // Larger than any JSONValue integer: as text it would read back as a floating-point number.
                slot.content = .value(.double(Double(value)))
                return
            }
            slot.content = .value(.int(int))
        }

        private func number(_ value: Double) throws -> JSONValue {
            guard value.isFinite else {
                throw EncodingError.invalidValue(
                    value,
                    EncodingError.Context(
                        codingPath: codingPath, debugDescription: "Unable to encode \(value) directly in JSON."))
            }
            if value.rounded() == value, let int = Int(exactly: value) { return .int(int) }
            return .double(value)
        }
    }

    fileprivate struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: ObjectBox
        let codingPath: [any CodingKey]

        private func node(_ key: Key) -> Node { Node(slot: box.slot(key.stringValue), codingPath: codingPath + [key]) }

        mutating func encodeNil(forKey key: Key) throws { try node(key).encodeNil() }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: Int, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try node(key).encode(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try node(key).encodeValue(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            node(key).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            node(key).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            Node(slot: box.slot("super"), codingPath: codingPath + [JSONValueKey("super")])
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder { node(key) }
    }

    fileprivate struct Unkeyed: UnkeyedEncodingContainer {
        let box: ArrayBox
        let codingPath: [any CodingKey]

        var count: Int { box.items.count }

        private func next() -> Node {
            let index = box.items.count
            return Node(slot: box.append(), codingPath: codingPath + [JSONValueKey(index: index)])
        }

        mutating func encodeNil() throws { try next().encodeNil() }
        mutating func encode(_ value: Bool) throws { try next().encode(value) }
        mutating func encode(_ value: String) throws { try next().encode(value) }
        mutating func encode(_ value: Double) throws { try next().encode(value) }
        mutating func encode(_ value: Float) throws { try next().encode(value) }
        mutating func encode(_ value: Int) throws { try next().encode(value) }
        mutating func encode(_ value: Int8) throws { try next().encode(value) }
        mutating func encode(_ value: Int16) throws { try next().encode(value) }
        mutating func encode(_ value: Int32) throws { try next().encode(value) }
        mutating func encode(_ value: Int64) throws { try next().encode(value) }
        mutating func encode(_ value: UInt) throws { try next().encode(value) }
        mutating func encode(_ value: UInt8) throws { try next().encode(value) }
        mutating func encode(_ value: UInt16) throws { try next().encode(value) }
        mutating func encode(_ value: UInt32) throws { try next().encode(value) }
        mutating func encode(_ value: UInt64) throws { try next().encode(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try next().encodeValue(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            next().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }

        mutating func superEncoder() -> any Encoder { next() }
    }
}
