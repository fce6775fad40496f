import KilnCore

/// `externaldebsign` (Wait): asks for an upload to be signed outside Debusine and waits for the signature
/// (Debusine `server/tasks/wait/external_debsign.py` `ExternalDebsign`, data `ExternalDebsignData`).
///
/// Like every Wait task it requires `worker:type:not-assignable`; the scheduler marks it running and it
/// waits. Debusine looks `unsigned` up when computing dynamic data; Kiln declares it as a Stage.running field.
public struct ExternalDebsignTask: DBTask {
    /// Wait: no worker runs it.
    public static let taskType = TaskType.wait
    /// The registry name, as Debusine's `ExternalDebsign` class.
    public static let taskName = "externaldebsign"
    /// Version 1; no worker runs it.
    public static let taskVersion = 1

    /// The data as submitted.
    public let taskData: JSONValue
    /// `task_configuration` and `unsigned` (the upload to sign).
    public var inputs: ResolvedInputs

    /// Validates `ExternalDebsignData`: a single `unsigned` lookup.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        var reader = try TaskDataReader(taskData)
        _ = try reader.singleLookup("unsigned")
        _ = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields + [InputField("unsigned", kind: .single)])
    }

    /// The saved fields plus `unsigned_id` (Debusine's `ExternalDebsignDynamicData`).
    public func computeDynamicData() throws -> TaskDynamicData {
        var dynamic = TaskDynamicData(extra: [
            "unsigned_id": try inputs.artifact("unsigned").artifactID.map(JSONValue.int) ?? .null
        ])
        dynamic.saveFields(of: inputs)
        return dynamic
    }
}
