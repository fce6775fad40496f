import KilnCore

/// `signrepositoryindex` (Signing): signs a repository index with the suite's (or archive's) keys (Debusine
/// `signing/tasks/sign_repository_index.py` `SignRepositoryIndex`, data `SignRepositoryIndexData`).
///
/// No subject, context or tags beyond the signing worker type and version.
public struct SignRepositoryIndexTask: ExternalTask {
    /// `signrepositoryindex` task data.
    public struct TaskData: Hashable, Sendable {
        /// `suite_collection`: the `debian:suite` whose keys sign.
        public var suiteCollection: JSONValue
        /// `unsigned`: the `debian:repository-index` to sign.
        public var unsigned: JSONValue
        /// `mode`: `detached` or `clear`.
        public var mode: String
        /// `signed_name`: the signed file's name (no `/`).
        public var signedName: String
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `SignRepositoryIndex` class.
    public static let taskName = "signrepositoryindex"
    /// Signing: only signing workers hold the keys.
    public static let taskType = TaskType.signing
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// `unsigned = SingleInput(categories=[REPOSITORY_INDEX])` and
    /// `suite_archive = SuiteArchiveInput(field="suite_collection")`, both at `Stage.running`.
    public static let inputFields: [InputField] = [
        InputField("unsigned", kind: .single, categories: [KnownCategories.repositoryIndex]),
        InputField("suite_archive", kind: .suiteArchive, path: "suite_collection"),
    ]

    /// Debusine's `SigningMode` values.
    static let modes = ["attached", "detached", "clear", "debsign"]

    /// The validated data.
    public let data: TaskData
    /// The input fields.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts what `SignRepositoryIndexData` accepts: a signing mode that is detached or clear, and a
    /// `signed_name` without `/`.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let suite = try reader.singleLookup("suite_collection")
        let unsigned = try reader.singleLookup("unsigned")
        guard reader.raw("mode") != nil else { throw .missingField("mode") }
        let mode = try reader.choice("mode", from: modes, default: "")
        let name = try reader.string("signed_name")
        let data = TaskData(
            suiteCollection: suite, unsigned: unsigned, mode: mode, signedName: name,
            taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }

    /// None (Debusine `signing/tasks/sign_repository_index.py` `get_subject`).
    public func getSubject() throws -> String? { nil }

    /// `signing_keys` (the suite's, else the archive's, else none) and `unsigned_id`.
    public func computeDynamicData() throws -> TaskDynamicData {
        let (suite, archive) = try inputs.suiteArchive("suite_archive")
        let keys: JSONValue? =
            if let keys = suite.data["signing_keys"], !keys.isNull { keys } else { archive?.data["signing_keys"] }
        return TaskDynamicData(extra: [
            "signing_keys": (keys?.isNull ?? true) ? [] : keys ?? [],
            "unsigned_id": try inputs.artifact("unsigned").artifactID.map(JSONValue.int) ?? .null,
        ])
    }
}
