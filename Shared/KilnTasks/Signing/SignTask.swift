import KilnCore

/// `sign` (Signing): signs artifacts (UEFI images, uploads) with a key held by a signing worker (Debusine
/// `signing/tasks/sign.py` `Sign`, data `signing/tasks/models.py` `SignData`).
///
/// No subject or context. Requires `worker:cap:sbsign` only for UEFI keys, which are used through `sbsign`;
/// a signing worker advertises that capability only when it has the command.
public struct SignTask: ExternalTask {
    /// `sign` task data.
    public struct TaskData: Hashable, Sendable {
        /// `purpose`: `uefi` or `openpgp` (repository keys are `signrepositoryindex`'s).
        public var purpose: String
        /// `unsigned`: the artifacts to sign.
        public var unsigned: JSONValue
        /// `key`: the signing key's fingerprint, as given.
        public var key: String
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `Sign` class.
    public static let taskName = "sign"
    /// Signing: only signing workers hold the keys.
    public static let taskType = TaskType.signing
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// `unsigned = MultiInput()`: any category, `Stage.running`.
    public static let inputFields: [InputField] = [InputField("unsigned", kind: .multiple)]

    /// The validated data.
    public let data: TaskData
    /// The `unsigned` field.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts what `SignData` accepts, refusing repository keys as its `validate_purpose` does.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard reader.raw("purpose") != nil else { throw .missingField("purpose") }
        let purpose = try reader.choice("purpose", from: KeyPurpose.all, default: "")
        let data = TaskData(
            purpose: purpose, unsigned: try reader.multipleLookup("unsigned"), key: try reader.string("key"),
            taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }

    /// None (Debusine `signing/tasks/sign.py` `get_subject`).
    public func getSubject() throws -> String? { nil }

    /// `worker:cap:sbsign` for UEFI keys only (Debusine `test_sign.py`
    /// `test_compute_scheduler_tags_purpose_uefi` and `test_compute_scheduler_tags_purpose_openpgp`).
    public func computeSystemRequiredTags() throws -> Set<String> {
        data.purpose == KeyPurpose.uefi ? [TagOntology.capability("sbsign")] : []
    }

    /// `worker:task:…`, plus `worker:cap:sbsign` where the command exists.
    public static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String> {
        var tags = baseProvidedWorkerTags()
        if host.has("sbsign") { tags.insert(TagOntology.capability("sbsign")) }
        return tags
    }

    /// `unsigned_ids` and `unsigned_binary_package_names` (each artifact's `binary_package_name`, or null).
    public func computeDynamicData() throws -> TaskDynamicData {
        let unsigned = try inputs.multiple("unsigned")
        return TaskDynamicData(extra: [
            "unsigned_ids": .array(unsigned.artifactIDs.map(JSONValue.int)),
            "unsigned_binary_package_names": .array(
                unsigned.artifacts.map { $0.data?["binary_package_name"].flatMap { $0.isNull ? nil : $0 } ?? .null }),
        ])
    }
}
