import KilnCore
import Testing

/// `JSONValue.pythonRepr(keyOrder:)`: the dictionary a user wrote, printed as Python prints it (insertion order).
@Suite("Python repr in the order the keys were written")
struct JSONKeyOrderTests {
    @Test("keys in the written order, nested objects in arrays too; keys the order does not know follow, sorted")
    func writtenOrder() {
        let value: JSONValue = ["z": 1, "a": ["y": true, "b": nil], "list": [["q": 1, "p": 2]], "m": "x", "c": 0]
        let order = JSONKeyOrder.object(
            keys: ["z", "list", "a"],
            members: [
                "a": .object(keys: ["y", "b"], members: [:]),
                "list": .array([.object(keys: ["q", "p"], members: [:])]),
            ])
        #expect(
            value.pythonRepr(keyOrder: order)
                == "{'z': 1, 'list': [{'q': 1, 'p': 2}], 'a': {'y': True, 'b': None}, 'c': 0, 'm': 'x'}")
        #expect(value.pythonRepr(keyOrder: nil) == value.pythonRepr)
        // An order that does not fit the value (a scalar where an object is) is ignored there.
        #expect(JSONValue.object(["b": 1, "a": 2]).pythonRepr(keyOrder: .scalar) == "{'a': 2, 'b': 1}")
    }

    @Test("setting a path appends the keys not yet written, as a Python assignment does")
    func setting() {
        let order = JSONKeyOrder.object(keys: ["z", "a"], members: ["a": .object(keys: ["k"], members: [:])])
            .setting(path: ["a", "new"]).setting(path: ["b"]).setting(path: ["z", "inner"])
        let value: JSONValue = ["z": ["inner": 1], "a": ["k": 1, "new": 2], "b": 3]
        #expect(value.pythonRepr(keyOrder: order) == "{'z': {'inner': 1}, 'a': {'k': 1, 'new': 2}, 'b': 3}")
        // A value set with its own order keeps it; setting a path again replaces the subtree's order.
        let withObject = order.setting(path: ["b"], to: .object(keys: ["y", "x"], members: [:]))
        #expect(JSONValue.object(["b": ["x": 1, "y": 2]]).pythonRepr(keyOrder: withObject) == "{'b': {'y': 2, 'x': 1}}")
    }
}
