import Foundation
import KilnCore

/// `delay` (Wait): holds its dependants back until a point in time; the scheduler completes it with success
/// once `delay_until` ≤ now (§1.2). No worker runs it: it requires `worker:type:not-assignable`.
public struct DelayTask: DBTask {
    public static let taskType = TaskType.wait
    public static let taskName = "delay"
    public static let taskVersion = 1

    public let taskData: JSONValue
    public var inputs: ResolvedInputs
    /// `delay_until`: an ISO 8601 timestamp with a time zone (`2026-11-29T10:00:00Z`, fractional seconds allowed).
    public let delayUntil: Date
    /// `task_configuration`.
    public let taskConfiguration: JSONValue?

    public init(taskData: JSONValue) throws {
        var reader = try TaskDataReader(taskData)
        let text = try reader.string("delay_until")
        guard let date = Self.parseTimestamp(text) else {
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

    static func parseTimestamp(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
