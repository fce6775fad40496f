import KilnCore

/// `debsign` (Signing): signs a `debian:upload` with a key held by a signing worker.
///
/// No subject and no configuration context, as Debusine's `Debsign` (`test_debsign.py`
/// `DebsignTests::test_get_subject`, `test_get_configuration_context`). Requires `worker:cap:debsign`
/// besides the signing worker type: the capability is advertised only by signing workers that have the
/// `debsign` command, so a signing worker without it is never picked.
public struct DebsignTask: HostToolTask {
    /// `debsign` task data (Debusine's `DebsignData`).
    public struct TaskData: Hashable, Sendable {
        /// `unsigned`: the `debian:upload` artifact to sign.
        public var unsigned: JSONValue
        /// `key`: the OpenPGP fingerprint of the signing key (40 or 64 hex digits).
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

    /// The validated data; the key fingerprint is upper-cased so equal keys compare equal.
    public let data: TaskData
    /// The `unsigned` field, resolved server side or restored on the signing worker.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Checks the key is a 40- or 64-digit fingerprint, so a bad key fails at submission, not on the signer.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func validateData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let unsigned = try reader.singleLookup("unsigned")
        let key = try reader.string("key")
        let isHex = key.allSatisfy(\.isHexDigit)
        guard isHex, key.count == 40 || key.count == 64 else {
            throw .invalidValue(
                field: "key",
                value: .string(key),
                reason: "must be an OpenPGP fingerprint of 40 or 64 hexadecimal digits"
            )
        }
        let data = TaskData(
            unsigned: unsigned,
            key: key.uppercased(),
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
