import KilnCore

extension TaskDataReader {
    /// A list whose every element must be one of `allowed` (a pydantic `list[StrEnum]`, such as blhc's and
    /// debdiff's `extra_flags`), default empty unless given; duplicates and the empty list are allowed, as in
    /// pydantic.
    ///
    /// - Throws: `TaskDataError` naming the bad element (`extra_flags[1]`).
    mutating func choiceList(
        _ key: String, from allowed: [String], default defaultValue: [String] = []
    ) throws(TaskDataError) -> [String] {
        let values = try stringList(key, default: defaultValue)
        for (index, value) in values.enumerated() where !allowed.contains(value) {
            throw .invalidValue(
                field: "\(fieldName(key))[\(index)]", value: .string(value),
                reason: "must be one of \(allowed.joined(separator: ", "))")
        }
        return values
    }
}
