/// pydantic 2's lax-mode boolean: what a Debusine model field typed `bool` accepts from JSON.
///
/// JSON booleans, the numbers 0 and 1, and the strings `0`/`1`, `false`/`true`, `f`/`t`, `no`/`yes`,
/// `n`/`y`, `off`/`on` in any case; anything else is not a boolean.
public enum PydanticLaxBool {
    /// The boolean `value` stands for, or `nil`.
    public static func parse(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .int(0), .double(0): return false
        case .int(1), .double(1): return true
        case .string(let text):
            switch text.lowercased() {
            case "0", "false", "f", "no", "n", "off": return false
            case "1", "true", "t", "yes", "y", "on": return true
            default: return nil
            }
        default: return nil
        }
    }
}
