/// Dotted-path access into task data, the way Debusine's input fields name their source (the `field` option of
/// `tasks/inputs/inputs.py` `DataFieldInput`): `"input.source_artifact"` reads `data["input"]["source_artifact"]`.
extension JSONValue {
    /// The value at a dotted path, or `nil` when any step is missing or is not an object.
    ///
    /// An empty path returns the value itself.
    public func value(atPath path: String) -> JSONValue? {
        var current = self
        for key in JSONValue.pathKeys(path) {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current
    }

    /// A copy with `newValue` stored at the dotted path, creating intermediate objects as needed.
    ///
    /// - Throws: `JSONPathError.notAnObject` when a step of the path already holds a non-object value.
    public func setting(_ newValue: JSONValue, atPath path: String) throws -> JSONValue {
        let keys = JSONValue.pathKeys(path)
        return try JSONValue.set(newValue, in: self, keys: keys[...], walked: [])
    }

    /// A copy without the value at the dotted path (unchanged when it is absent).
    public func removing(path: String) -> JSONValue {
        let keys = JSONValue.pathKeys(path)
        return JSONValue.remove(in: self, keys: keys[...])
    }

    /// The keys of a dotted path; the empty path has none.
    public static func pathKeys(_ path: String) -> [String] {
        path.isEmpty ? [] : path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    private static func set(
        _ newValue: JSONValue,
        in value: JSONValue,
        keys: ArraySlice<String>,
        walked: [String]
    ) throws -> JSONValue {
        guard let key = keys.first else { return newValue }
        var object: [String: JSONValue]
        switch value {
        case .object(let existing): object = existing
        case .null: object = [:]
        default: throw JSONPathError.notAnObject(path: walked.joined(separator: "."), found: value.typeName)
        }
        object[key] = try set(newValue, in: object[key] ?? .null, keys: keys.dropFirst(), walked: walked + [key])
        return .object(object)
    }

    private static func remove(in value: JSONValue, keys: ArraySlice<String>) -> JSONValue {
        guard let key = keys.first, case .object(var object) = value else { return value }
        if keys.count == 1 {
            object.removeValue(forKey: key)
        } else if let child = object[key] {
            object[key] = remove(in: child, keys: keys.dropFirst())
        }
        return .object(object)
    }
}

/// Errors raised when writing through a dotted path.
public enum JSONPathError: Error, Equatable, CustomStringConvertible {
    /// The path crosses a value that is not an object (`path` is where, `found` its JSON type).
    case notAnObject(path: String, found: String)

    public var description: String {
        switch self {
        case .notAnObject(let path, let found):
            "cannot descend into '\(path.isEmpty ? "<root>" : path)': it is a \(found), not an object"
        }
    }
}
