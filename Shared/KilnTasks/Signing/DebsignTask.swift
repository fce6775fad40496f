import KilnCore

/// `debsign` (Signing): signs a `debian:upload` with a key held by a signing worker.
///
/// Subject = the upload's source package (its `.changes` `Source` field). Requires `worker:cap:debsign`
/// besides the signing worker type: the capability is advertised only by signing workers that have the
/// `debsign` command, so a signing worker without it is never picked.
public struct DebsignTask: ExternalTask {
    /// `debsign` task data (Debusine's `DebsignData`).
    public struct TaskData: Hashable, Sendable {
        /// `unsigned`: the `debian:upload` artifact to sign.
        public var unsigned: JSONValue
        /// `key`: the OpenPGP fingerprint of the signing key (40 or 64 hex digits).
        public var key: String
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    public static let taskName = "debsign"
    public static let taskType = TaskType.signing
    public static let taskVersion = 1
    public static let inputFields: [InputField] = [
        InputField("unsigned", kind: .single, stage: .pending, categories: ["debian:upload"])
    ]

    public let data: TaskData
    public let inputs: ResolvedInputs

    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

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

    public func getSubject() throws -> String? {
        try inputs.artifact("unsigned").data["changes_fields"]?.value(atPath: "Source")?.stringValue
    }

    public func computeDynamicData() throws -> TaskDynamicData {
        let unsigned = try inputs.artifact("unsigned")
        return TaskDynamicData(
            subject: try getSubject(),
            extra: ["unsigned_id": unsigned.artifactID.map(JSONValue.int) ?? .null]
        )
    }

    public static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String> {
        var tags = baseProvidedWorkerTags()
        if host.has("debsign") { tags.insert(TagOntology.capability("debsign")) }
        return tags
    }

    public func computeSystemRequiredTags() throws -> Set<String> { [TagOntology.capability("debsign")] }
}
