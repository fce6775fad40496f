import KilnCore

/// `generatekey` (Signing): generates a signing key on a signing worker (Debusine
/// `signing/tasks/generate_key.py` `GenerateKey`, data `signing/tasks/models.py` `GenerateKeyData`).
///
/// No subject, context, fields or tags beyond the signing worker type and version.
public struct GenerateKeyTask: ExternalTask {
    /// `generatekey` task data.
    public struct TaskData: Hashable, Sendable {
        /// `purpose`: one of `KeyPurpose.all`.
        public var purpose: String
        /// `storage`: where the private key is kept; only `nacl` may be generated (default `nacl`).
        public var storage: String
        /// `description`: a human-readable description of the key.
        public var description: String
        /// `scope`: the scope the key is for, if any.
        public var scope: String?
        /// `workspace`: the workspace the key is for, if any.
        public var workspace: String?
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `GenerateKey` class.
    public static let taskName = "generatekey"
    /// Signing: keys are generated where they are kept.
    public static let taskType = TaskType.signing
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// None: it reads no artifact.
    public static let inputFields: [InputField] = []

    /// The validated data.
    public let data: TaskData
    /// No fields of its own.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts what `GenerateKeyData` accepts, including its `validate_purpose_and_storage` rule.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard reader.raw("purpose") != nil else { throw .missingField("purpose") }
        let purpose = try reader.choice("purpose", from: KeyPurpose.all, default: "")
        let storage = try reader.choice("storage", from: ["nacl", "pkcs11-static"], default: "nacl")
        let data = TaskData(
            purpose: purpose, storage: storage, description: try reader.string("description"),
            scope: try reader.optionalString("scope"), workspace: try reader.optionalString("workspace"),
            taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }

    /// None (Debusine `signing/tasks/generate_key.py` `get_subject`).
    public func getSubject() throws -> String? { nil }
}
