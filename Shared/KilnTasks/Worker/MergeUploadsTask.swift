import KilnCore

/// `mergeuploads` (Worker): combines several `debian:upload` artifacts into one, to upload them together
/// (Debusine `tasks/mergeuploads.py` `MergeUploads`, data `tasks/models.py` `MergeUploadsData`).
///
/// Not an executor task: it requires no executor or build-architecture tag. Provides one
/// `task:source-package:` tag per upload's source; the subject is the source only when all uploads share it.
public struct MergeUploadsTask: ExternalTask {
    /// `mergeuploads` task data.
    public struct TaskData: Hashable, Sendable {
        /// `input.uploads`: the uploads to merge.
        public var uploads: JSONValue
        /// `backend`: "no longer used" in Debusine, still accepted (default `auto`).
        public var backend: ExecutorBackend
        /// `environment`: "no longer used" in Debusine, still accepted.
        public var environment: JSONValue?
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `MergeUploads` class.
    public static let taskName = "mergeuploads"
    /// Worker: runs on an external worker.
    public static let taskType = TaskType.worker
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// `uploads = MultiInput(field="input.uploads", categories=[UPLOAD], stage=PENDING)`: tags and subject
    /// come from it.
    public static let inputFields: [InputField] = [
        InputField(
            "uploads", kind: .multiple, stage: .pending, path: "input.uploads",
            categories: [KnownCategories.upload])
    ]

    /// The validated data.
    public let data: TaskData
    /// The input fields, resolved server side or restored on the worker.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts what `MergeUploadsData` accepts: `build_architecture` is not one of its fields.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let uploads = try input.multipleLookup("uploads")
        try input.finish()
        let data = TaskData(
            uploads: uploads, backend: try reader.backend(),
            environment: try reader.optionalSingleLookup("environment"),
            taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }

    /// The uploads' facts.
    var uploads: [PackageArtifactFacts] {
        get throws { try inputs.multiple("uploads").artifacts.map(PackageArtifactFacts.init) }
    }

    /// The source all uploads share, nil when they name several (Debusine `test_mergeuploads.py`
    /// `test_get_subject`).
    public func getSubject() throws -> String? {
        let names = Set(try uploads.compactMap(\.sourceName))
        return names.count == 1 ? names.first : nil
    }

    /// `task:source-package:<source>` for every upload (Debusine `test_mergeuploads.py`
    /// `test_compute_scheduler_tags_multiple_packages`).
    public func computeSystemProvidedTags() throws -> Set<String> {
        Set(try uploads.compactMap(\.sourceName).map(TagOntology.taskSourcePackage))
    }

    /// `input_uploads_ids`, the subject and the summary `<subject> (<architectures>)` when there is a
    /// subject (Debusine `test_mergeuploads.py` `test_compute_dynamic_data`).
    ///
    /// - Throws: `PydanticValidationError` when the lookup finds an upload twice (`[5, 5]`): Debusine's
    ///   `MergeUploadsDynamicData.input_uploads_ids` requires unique items (`test_models.py`
    ///   `test_input_uploads_ids_reject_duplicates`), so such a work request is refused at creation.
    public func computeDynamicData() throws -> TaskDynamicData {
        let subject = try getSubject()
        let architectures = try uploads.reduce(into: Set<String>()) { $0.formUnion($1.architectures) }
        let ids = try inputs.multiple("uploads").artifactIDs
        let idList = JSONValue.array(ids.map(JSONValue.int))
        if let duplicates = TaskDataModels.uniqueItems(enumClass: nil)(idList) {
            throw PydanticValidationError(
                model: "MergeUploadsDynamicData",
                failures: [.valueError("input_uploads_ids", duplicates, input: idList)])
        }
        return TaskDynamicData(
            parameterSummary: subject.map { "\($0) (\(architectures.sorted().joined(separator: ", ")))" },
            subject: subject, extra: ["input_uploads_ids": idList])
    }
}
