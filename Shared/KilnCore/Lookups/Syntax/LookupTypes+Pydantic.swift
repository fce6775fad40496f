extension PydanticType {
    /// `LookupSingle` (`tasks/models.py`, `int | str`): an id or a string lookup; pydantic's lax integer reads
    /// `3.0` and `true` as ids too.
    public static let lookupSingle = PydanticType.union([.integer, .string])

    /// `LookupMultiple` (`tasks/models.py`): a dictionary or a list, normalised to a tuple of `LookupSingle |
    /// LookupDict` elements, each element failing as pydantic's union fails (under `int`, `str` and `LookupDict`).
    /// A dictionary element is judged by `LookupDictionary(parsing:)`, which gives Debusine's messages; a missing
    /// `collection` is pydantic's `Field required`.
    public static let lookupMultiple = PydanticType.custom(tag: "LookupMultiple") { value, location in
        let elements: [JSONValue]
        switch value {
        case .object: elements = [value]
        case .array(let values): elements = values
        default: return [.valueError(render(location), LookupMultiple.wrongTypeMessage, input: value)]
        }
        return elements.enumerated().flatMap { index, element in
            lookupMultipleElementFailures(element, at: location + [String(index)])
        }
    }

    private static func lookupMultipleElementFailures(
        _ element: JSONValue,
        at location: [String]
    ) -> [PydanticValidationError.Failure] {
        let single = lookupSingle.failures(of: element, at: location)
        guard !single.isEmpty else { return [] }
        let dictionaryLocation = render(location + ["LookupDict"])
        guard case .object(var members) = element else {
            let pythonClass = PydanticValidationError.pythonTypeName(element)
            return single + [
                .valueError(dictionaryLocation, "Expected dict, got <class '\(pythonClass)'>", input: element)
            ]
        }
        // `normalize_matchers` runs before the fields are validated: its refusals come first.
        let hasCollection = members["collection"] != nil
        if !hasCollection { members["collection"] = "collection" }
        do throws(LookupFailure) {
            _ = try LookupDictionary(parsing: members)
        } catch {
            return single + [.valueError(dictionaryLocation, error.message, input: element)]
        }
        guard hasCollection else {
            return single + [
                PydanticValidationError.Failure(
                    location: render(location + ["LookupDict", "collection"]),
                    message: "Field required",
                    type: "missing",
                    input: element
                )
            ]
        }
        return []
    }
}
