import KilnCore

/// Reads Debusine's `workflow_data` from a `--workflow-data` value or a batch entry.
enum WorkflowDataInput {
    /// The workflow data `document` holds, or an error naming `what` and the bad key.
    static func parse(_ document: JSONValue, what: String) throws -> WorkflowData {
        guard let object = document.objectValue else {
            throw CLIError("\(what) must be a JSON object, not \(document.typeName)")
        }
        // Debusine's `WorkRequestWorkflowData` forbids extra keys: a misspelt flag must not be dropped silently.
        if let unknown = object.keys.sorted().first(where: { !WorkflowData.keys.contains($0) }) {
            throw CLIError(
                "\(what) is not valid workflow data: '\(unknown)': Extra inputs are not permitted (known: "
                    + WorkflowData.keys.sorted().joined(separator: ", ") + ")")
        }
        do {
            return try document.decode(WorkflowData.self)
        } catch {
            throw CLIError("\(what) is not valid workflow data: \(error)")
        }
    }
}
