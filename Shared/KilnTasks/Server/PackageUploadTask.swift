import KilnCore

/// `packageupload` (Server): uploads a `debian:upload` to an FTP or SFTP upload queue (Debusine
/// `server/tasks/package_upload.py` `PackageUpload`, data `server/tasks/models.py` `PackageUploadData`).
///
/// Scheduled like every Server task (the Celery worker type and version tag); Kiln has no Celery worker,
/// so it is validated, configured and tagged, then stays pending.
public struct PackageUploadTask: DBTask {
    /// Server: run by Debusine's Celery workers.
    public static let taskType = TaskType.server
    /// The registry name, as Debusine's `PackageUpload` class.
    public static let taskName = "packageupload"
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1

    /// The data as submitted, kept so field resolution reads the same JSON the validation checked.
    public let taskData: JSONValue
    /// `task_configuration` and `upload` (Debusine's `ArtifactInput(field="input.upload")`, Stage.running).
    public var inputs: ResolvedInputs
    /// `target`: the `ftp://` or `sftp://` upload queue.
    public let target: String
    /// `delayed_days`: the DELAYED queue to upload to, if any.
    public let delayedDays: Int?

    /// Validates `PackageUploadData`: `input.upload`, an FTP/SFTP `target`, optional `delayed_days`.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        try Self.dataModel?.validateTaskData(taskData)
        var reader = try TaskDataReader(taskData)
        guard var input = try reader.object("input") else { throw TaskDataError.missingField("input") }
        _ = try input.singleLookup("upload")
        try input.finish()
        // Any URL, as Debusine's `PackageUploadTarget` (its `allowed_schemes` is a pydantic 1 attribute that
        // pydantic 2 ignores); `PackageUpload` refuses another scheme than ftp or sftp when it runs.
        target = try reader.url("target")
        delayedDays = try reader.optionalInt("delayed_days")
        _ = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(
            fields: Self.ownInputFields + [InputField("upload", kind: .databaseArtifact, path: "input.upload")])
    }

    /// The saved fields plus `input_upload_id` (Debusine's `PackageUploadDynamicData`).
    public func computeDynamicData() throws -> TaskDynamicData {
        var dynamic = TaskDynamicData(extra: [
            "input_upload_id": try inputs.artifact("upload").artifactID.map(JSONValue.int) ?? .null
        ])
        dynamic.saveFields(of: inputs)
        return dynamic
    }
}
