import KilnCore

/// Reads Debusine's `workflow_data` from a `--workflow-data` value or a batch entry.
enum WorkflowDataInput {
    /// The workflow data `document` holds, or an error naming `what` and the bad key.
    static func parse(_ document: JSONValue, what: String) throws -> WorkflowData {
        guard document.objectValue != nil else {
            throw CLIError("\(what) must be a JSON object, not \(document.typeName)")
        }
        do {
            return try document.decode(WorkflowData.self)
        } catch {
            throw CLIError("\(what) is not valid workflow data: \(error)")
        }
    }
}
