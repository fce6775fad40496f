extension PydanticType {
    /// `LookupSingle` (`tasks/models.py`, `int | str`): an id or a string lookup; pydantic's lax integer reads
    /// `3.0` and `true` as ids too.
    public static let lookupSingle = PydanticType.union([.integer, .string])

    /// `LookupMultiple` (`tasks/models.py`): a dictionary or a list, normalised to a tuple of `LookupSingle |
    /// LookupDict` elements, each element failing as pydantic's union fails (under `int`, `str` and `LookupDict`).
    /// A dictionary element's matcher keys are judged by `LookupDictionary(parsing:)`, which gives Debusine's
    /// messages, its other fields by `LookupDict`'s model (`Field required` for a missing `collection`).
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
        let dictionary = lookupDictFailures(element, at: location + ["LookupDict"])
        return dictionary.isEmpty ? [] : single + dictionary
    }

    /// `LookupDict`: its `normalize_matchers` (a `model_validator(mode="before")`) first — the matcher keys
    /// (`name…`, `data__…`, `lookup__…`), judged by Kiln's parser with Debusine's sentences — then its fields.
    private static func lookupDictFailures(
        _ element: JSONValue,
        at location: [String]
    ) -> [PydanticValidationError.Failure] {
        guard case .object(let members) = element else {
            let pythonClass = PydanticValidationError.pythonTypeName(element)
            return [.valueError(render(location), "Expected dict, got <class '\(pythonClass)'>", input: element)]
        }
        let matchers = members.filter { LookupDictionary.isMatcherKey($0.key) }
        do throws(LookupFailure) {
            _ = try LookupDictionary(parsing: matchers.merging(["collection": 0]) { first, _ in first })
        } catch {
            return [.valueError(render(location), error.message, input: element)]
        }
        let fields = members.filter { !LookupDictionary.isMatcherKey($0.key) }
        let failures = lookupDictModel.failures(of: .object(fields), at: location)
        guard failures.isEmpty else { return failures }
        // What the model cannot say (an empty string lookup, a malformed one): Kiln's parser, in its words.
        do throws(LookupFailure) {
            _ = try LookupDictionary(parsing: members)
        } catch {
            return [.valueError(render(location), error.message, input: element)]
        }
        return []
    }

    /// `LookupDict`'s fields other than the matchers `normalize_matchers` builds (`name_matcher`, `data_matchers`,
    /// `lookup_filters`, accepted as given).
    private static let lookupDictModel = PydanticModel(
        "LookupDict",
        [
            .required("collection", lookupSingle),
            .optional("child_type", .enumeration(["bare", "artifact", "artifact-or-promise", "collection", "any"])),
            .optional("category", .nullable(.string)),
            .optional("name_matcher", .any),
            .optional("data_matchers", .any),
            .optional("lookup_filters", .any),
            .optional("error_on_empty", .boolean),
        ]
    )
}
