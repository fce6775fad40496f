/// Which task-data keys the `Stage.pending` input fields read, so the tag-computer knows whether the
/// configured data still resolves to the values the lookup-resolver found (Debusine's
/// `server/collections/debusine_task_configuration.py` `apply_configuration` only sets or deletes TOP-LEVEL keys, so a
/// top-level comparison is exact).
enum PendingFieldDependencies {
    /// The top-level task-data keys pending fields read: each field's own path, plus for environment fields
    /// the backend path and the architecture field's path (both shape the environment lookup, Debusine
    /// `WorkRequest.lookup_environment`). The `task_configuration` field is left out: configuration always rewrites it
    /// to the id of the very collection it came from, which resolves to the same collection.
    static func keysRead(by fields: [InputField]) -> Set<String> {
        var keys: Set<String> = []
        for field in fields where field.stage == .pending && field.kind != .taskConfigurationCollection {
            keys.insert(topLevelKey(field.path))
            switch field.kind {
            case .environment(let options), .optionalEnvironment(let options):
                if let backendPath = options.backendPath { keys.insert(topLevelKey(backendPath)) }
                let architecturePath = fields.first { $0.name == options.architectureField }?.path
                keys.insert(topLevelKey(architecturePath ?? options.architectureField))
            default:
                break
            }
        }
        return keys
    }

    /// Whether configuration changed a top-level key some pending field reads.
    static func configurationChangesPendingInputs(
        fields: [InputField],
        submitted: JSONValue,
        configured: JSONValue
    ) -> Bool {
        let before = submitted.objectValue ?? [:]
        let after = configured.objectValue ?? [:]
        return keysRead(by: fields).contains { before[$0] != after[$0] }
    }

    static func topLevelKey(_ path: String) -> String {
        String(path.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(path))
    }
}
