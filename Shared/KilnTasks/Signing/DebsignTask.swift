import KilnCore

/// `debsign` (Signing): signs a `debian:upload` with a key held by a signing worker (Debusine
/// `signing/tasks/debsign.py` `Debsign`).
///
/// No subject and no configuration context, as Debusine's `Debsign` (`test_debsign.py`
/// `DebsignTests::test_get_subject`, `test_get_configuration_context`). Requires `worker:cap:debsign`
/// besides the signing worker type: the capability is advertised only by signing workers that have the
/// `debsign` command, so a signing worker without it is never picked.
public struct DebsignTask: HostToolTask {
    /// `debsign` task data (Debusine's `DebsignData`).
    public struct TaskData: Hashable, Sendable {
        /// `unsigned`: the upload to sign.
        public var unsigned: JSONValue
        /// `key`: the signing key as given; Debusine takes any string and uses it unchanged as the key's
        /// fingerprint and in the asset slug `openpgp:<key>`.
        public var key: String
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `debsign` task.
    public static let taskName = "debsign"
    /// Signing: only signing workers, which hold the keys, may run it (Debusine `DBTask.compute_scheduler_tags`
    /// requires `worker:type:signing`).
    public static let taskType = TaskType.signing
    /// Version 1: forms the `worker:task:signing:debsign:version:1` tag (Debusine `signing/tasks/debsign.py`
    /// `Debsign.TASK_VERSION`).
    public static let taskVersion = 1
    /// `unsigned`, at the default `Stage.running` and of any category, as Debusine's `unsigned = SingleInput()`
    /// (the signing worker checks the category when it fetches the artifact).
    public static let inputFields: [InputField] = [
        InputField("unsigned", kind: .single)
    ]

    /// The validated data.
    public let data: TaskData
    /// The `unsigned` field, resolved server side or restored on the signing worker.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts what Debusine's `DebsignData` accepts: a single lookup and any key string (Debusine
    /// `signing/tasks/tests/test_debsign.py` `SAMPLE_TASK_DATA` uses `"ABC123"`).
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let data = TaskData(
            unsigned: try reader.singleLookup("unsigned"),
            key: try reader.string("key"),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    /// None: Debusine's `Debsign.get_subject` returns None, so configuration entries for debsign are not keyed
    /// by package.
    public func getSubject() throws -> String? { nil }

    /// Only `unsigned_id` (Debusine's `Debsign.compute_dynamic_data`, `test_compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        TaskDynamicData(extra: ["unsigned_id": ExecutorTaskSupport.artifactID(try inputs.artifact("unsigned"))])
    }

    /// `worker:cap:debsign` is advertised only where the command exists and required by every debsign work
    /// request, so a signing worker without the tool never matches (Debusine `Debsign.get_provided_worker_tags`,
    /// `Debsign.compute_scheduler_tags`).
    public static let requiredHostCommand = "debsign"
}
