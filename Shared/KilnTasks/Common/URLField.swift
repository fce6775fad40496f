import KilnCore

extension TaskDataReader {
    /// A required URL (pydantic `AnyUrl`), checked by `PydanticURL` as the task's data model checks it; kept as
    /// written.
    ///
    /// - Throws: `TaskDataError` naming the field.
    mutating func url(_ key: String) throws(TaskDataError) -> String {
        let text = try string(key)
        if let problem = PydanticURL.problem(text, hostRequired: false) {
            throw .invalidValue(field: fieldName(key), value: .string(text), reason: "Input should be a valid URL, \(problem)")
        }
        return text
    }

    /// An optional list of strings: nil when absent or null (pydantic `list[str] | None`).
    mutating func optionalStringList(_ key: String) throws(TaskDataError) -> [String]? {
        guard raw(key) != nil else { return nil }
        return try stringList(key)
    }
}
