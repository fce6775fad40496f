import Foundation
import KilnCore
import KilnTasks
import Testing

/// What Debusine 0.16.2's own task data models say about 5,000 variants of the 24 tasks' data, recorded by
/// `deploy/fidelity/task-data-cases.py` from `tasks/models.py`, `server/tasks/models.py` and
/// `signing/tasks/models.py` under pydantic 2 (`Fixtures/task-data-cases.json`).
@Suite("Task data models: Kiln's text is pydantic's for the data Debusine's models refuse")
struct TaskDataModelsTests {
    struct Case {
        let type: String
        let task: String
        let model: String
        let data: JSONValue
        let error: String?
    }

    /// Read with Kiln's own JSON parser, which keeps `2.0` a number with a fraction as Python does (Foundation's
    /// decoder would make it the integer 2).
    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/task-data-cases.json")
        // A missing or unreadable fixture leaves no case, which `fixtureLoads` reports.
        guard let bytes = try? Data(contentsOf: url), let fixture = try? JSONValue.parse(bytes),
            let items = fixture.objectValue?["cases"]?.arrayValue
        else { return [] }
        return items.compactMap { item in
            guard let fields = item.objectValue, let type = fields["type"]?.stringValue,
                let task = fields["task"]?.stringValue, let model = fields["model"]?.stringValue,
                let data = fields["data"]
            else { return nil }
            return Case(type: type, task: task, model: model, data: data, error: fields["error"]?.stringValue)
        }
    }()

    static let tasks: [String] = {
        var seen: [String] = []
        for item in cases where !seen.contains("\(item.type):\(item.task)") {
            seen.append("\(item.type):\(item.task)")
        }
        return seen
    }()

    static func cases(of key: String) -> [Case] { cases.filter { "\($0.type):\($0.task)" == key } }

    static func model(of item: Case) throws -> PydanticModel {
        let registry = try KilnTasks.registry()
        let type = try #require(TaskType(rawValue: item.type.capitalized))
        let registration = try #require(registry.registration(type: type, name: item.task))
        return try #require(registration.dataModel, "\(item.type):\(item.task) has no data model")
    }

    /// deploy/docs/fidelity.md: sbuild's `build_architecture` is optional in Kiln (the server's fallback
    /// architecture), required in Debusine.
    static func isDocumentedDifference(_ item: Case) -> Bool {
        item.task == "sbuild" && item.data.objectValue?["build_architecture"].map(\.isNull) ?? true
    }

    /// deploy/docs/fidelity.md: Kiln refuses at submission a boolean given as a single lookup (pydantic's lax
    /// integer reads `true` as the id 1) and an empty string lookup inside a dictionary lookup (Debusine fails when
    /// it resolves it).
    static func isDocumentedRefusal(_ text: String) -> Bool {
        [
            "must be a single lookup (integer or string), not boolean",
            "A single lookup must be a string or an integer, not boolean", "Value error, Empty lookup",
        ]
        .contains { text.contains($0) }
    }

    @Test("the fixture is there and covers every task with a model")
    func fixtureLoads() {
        #expect(Self.cases.count > 5000)
        #expect(Self.tasks.count == 24)
    }

    @Test(
        "each task's model accepts what Debusine's accepts and refuses the rest with pydantic's text",
        arguments: tasks
    )
    func modelMatchesDebusine(task: String) throws {
        var mismatches: [String] = []
        for item in Self.cases(of: task) where !Self.isDocumentedDifference(item) {
            let model = try Self.model(of: item)
            #expect(model.name == item.model)
            var given: String?
            do { try model.validate(item.data) } catch { given = error.description }
            if item.error == nil, let given, Self.isDocumentedRefusal(given) { continue }
            if given != item.error {
                mismatches.append(
                    "data: \(item.data.compactJSON)\nDebusine: \(item.error ?? "accepted")\nKiln: \(given ?? "accepted")"
                )
            }
        }
        #expect(
            mismatches.isEmpty,
            "\(mismatches.count) mismatches:\n\(mismatches.prefix(8).joined(separator: "\n\n"))"
        )
    }

    @Test("data Debusine's model accepts is accepted by the task's own reading too", arguments: tasks)
    func readingAcceptsWhatDebusineAccepts(task: String) throws {
        let registry = try KilnTasks.registry()
        var refused: [String] = []
        for item in Self.cases(of: task) where item.error == nil {
            let type = try #require(TaskType(rawValue: item.type.capitalized))
            do {
                _ = try registry.makeDBTask(type: type, name: item.task, taskData: item.data)
            } catch {
                if Self.isDocumentedRefusal("\(error)") { continue }
                refused.append("data: \(item.data.compactJSON)\nKiln: \(error)")
            }
        }
        #expect(refused.isEmpty, "\(refused.count) refused:\n\(refused.prefix(8).joined(separator: "\n\n"))")
    }
}
