import Foundation
import KilnCore

/// `delay` (Wait): holds its dependants back until a point in time; the scheduler completes it with success
/// once `delay_until` ≤ now (Debusine `server/tasks/wait/delay.py` `Delay`, `server/scheduler.py`
/// `complete_wait_tasks`). No worker runs it: it requires `worker:type:not-assignable`.
public struct DelayTask: DBTask {
    /// Wait: the scheduler, not a worker, completes it once the delay passes (Debusine `complete_wait_tasks`).
    public static let taskType = TaskType.wait
    /// The registry name, as Debusine's `delay` task.
    public static let taskName = "delay"
    /// Version 1; no worker runs it, so it never forms a `worker:task:…` tag.
    public static let taskVersion = 1

    /// The data as submitted, kept so field resolution reads the same JSON the validation checked.
    public let taskData: JSONValue
    /// Only the DBTask's own `task_configuration` field: a delay reads no artifacts.
    public var inputs: ResolvedInputs
    /// `delay_until`: an ISO 8601 timestamp with a time zone (`2026-11-29T10:00:00Z`, fractional seconds allowed).
    public let delayUntil: Date
    /// `task_configuration`.
    public let taskConfiguration: JSONValue?

    /// Validates `delay_until` up front, so a malformed timestamp fails at submission instead of never firing.
    ///
    /// - Throws: `TaskDataError` naming `delay_until` or an unknown field.
    public init(taskData: JSONValue) throws {
        var reader = try TaskDataReader(taskData)
        let text = try reader.string("delay_until")
        // The parser the scheduler reads `delay_until` with when the delay falls due: both must agree.
        guard let date = ISO8601Timestamp.parse(text) else {
            throw TaskDataError.invalidValue(
                field: "delay_until",
                value: .string(text),
                reason: "must be an ISO 8601 timestamp with a time zone"
            )
        }
        delayUntil = date
        taskConfiguration = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }

    /// Whether the delay has passed at `now`.
    public func isDue(at now: Date) -> Bool { delayUntil <= now }
}
