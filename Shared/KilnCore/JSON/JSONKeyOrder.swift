/// The order in which a document wrote its objects' keys, which `JSONValue` objects (Swift dictionaries) do not
/// keep.
///
/// Debusine's messages print the Python dictionaries a client sent, and a Python `dict` keeps insertion order:
/// `Task data: {'input': {…}, 'environment': …}` lists the keys as the user wrote them
/// (`server/views/work_requests.py` `WorkRequestViewSet.post`). A command that read the document keeps its
/// order here, so `JSONValue.pythonRepr(keyOrder:)` can print the same text.
public indirect enum JSONKeyOrder: Hashable, Sendable {
    /// An object: its keys in the order written, and the order within each member.
    case object(keys: [String], members: [String: JSONKeyOrder])
    /// An array: the order within each element.
    case array([JSONKeyOrder])
    /// A scalar: nothing to order.
    case scalar

    /// The order after a value whose own order is `value` was set at `path` (dotted keys): keys the order does
    /// not hold yet are appended, as a Python assignment `data["input"]["x"] = …` appends them; a scalar on the
    /// way becomes an object, as it does when the value is set.
    public func setting(path: [String], to value: JSONKeyOrder = .scalar) -> JSONKeyOrder {
        guard let first = path.first else { return value }
        var (keys, members): ([String], [String: JSONKeyOrder]) =
            if case .object(let keys, let members) = self { (keys, members) } else { ([], [:]) }
        if !keys.contains(first) { keys.append(first) }
        members[first] = (members[first] ?? .scalar).setting(path: Array(path.dropFirst()), to: value)
        return .object(keys: keys, members: members)
    }
}

extension JSONValue {
    /// `pythonRepr`, with the keys of each object in `keyOrder`'s order (keys it does not know follow, sorted):
    /// the text Python prints for the dictionary a user wrote.
    public func pythonRepr(keyOrder: JSONKeyOrder?) -> String {
        switch (self, keyOrder) {
        case (.array(let elements), .array(let orders)?):
            let texts = elements.enumerated().map { index, element in
                element.pythonRepr(keyOrder: index < orders.count ? orders[index] : nil)
            }
            return "[" + texts.joined(separator: ", ") + "]"
        case (.object(let members), .object(let keys, let orders)?):
            var seen: Set<String> = []
            let written = keys.filter { members[$0] != nil && seen.insert($0).inserted }
            let others = members.keys.filter { !seen.contains($0) }.sorted(by: Self.pythonOrder)
            let texts = (written + others).map { key in
                Self.pythonStringRepr(key) + ": " + members[key]!.pythonRepr(keyOrder: orders[key])
            }
            return "{" + texts.joined(separator: ", ") + "}"
        default:
            return pythonRepr
        }
    }
}
