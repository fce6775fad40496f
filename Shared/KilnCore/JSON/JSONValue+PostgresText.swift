extension JSONValue {
    /// The text PostgreSQL gives a `jsonb` value (`data ->> 'KEY'` of an array or object, `jsonb_out`): `", "` between
    /// elements, `": "` after keys, keys in jsonb's order (shorter first, then byte order), strings escaped as
    /// `escape_json` escapes them. Debusine filters `data__KEY` on that text, so a lookup's
    /// `data__architectures: "[\"amd64\", \"i386\"]"` matches an item whose data holds that list.
    ///
    /// Numbers are written as PostgreSQL prints what Kiln stores (`JSONText.postgresNumber`: `1e-07` is stored,
    /// `0.0000001` printed). jsonb keeps a number's digits as written (`1.50`), which a parsed `JSONValue` no
    /// longer knows: data Kiln stored was written by Kiln, so that does not arise for it.
    public var postgresJSONText: String {
        var text = ""
        Self.writePostgres(self, into: &text)
        return text
    }

    private static func writePostgres(_ value: JSONValue, into text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        case .double(let number): text += JSONText.postgresNumber(number)
        case .string(let string): JSONText.writeString(string, into: &text)
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += ", " }
                writePostgres(element, into: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            let keys = members.keys.sorted { lhs, rhs in
                let (left, right) = (Array(lhs.utf8), Array(rhs.utf8))
                return left.count != right.count ? left.count < right.count : left.lexicographicallyPrecedes(right)
            }
            for (index, key) in keys.enumerated() {
                if index > 0 { text += ", " }
                JSONText.writeString(key, into: &text)
                text += ": "
                writePostgres(members[key]!, into: &text)
            }
            text += "}"
        }
    }
}
