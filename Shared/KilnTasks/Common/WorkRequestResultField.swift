import KilnCore

extension TaskDataReader {
    /// A `result` field typed as Debusine's `WorkRequestResults` enum (`NoopData.result`,
    /// `ServerNoopData.result`, `SigningNoopData.result`): one of the stored result strings, the empty one
    /// included, so task data written for Debusine (`{"result": "success"}`) validates unchanged.
    ///
    /// Any other value — a boolean included — is refused as pydantic refuses it, with the list of allowed
    /// values.
    ///
    /// - Throws: `TaskDataError.invalidValue` naming the field.
    mutating func workRequestResult(
        _ key: String = "result",
        default defaultValue: WorkRequestResult
    ) throws(TaskDataError) -> WorkRequestResult {
        guard let value = raw(key) else { return defaultValue }
        guard let text = value.stringValue, let result = WorkRequestResult(rawValue: text) else {
            throw .invalidValue(
                field: fieldName(key), value: value,
                reason: "must be one of " + WorkRequestResult.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
        }
        return result
    }
}
