import KilnCore
import KilnTasks
import Testing

/// The order in which a task's input fields resolve decides which failure a work request reports when two fail.
/// Debusine's `TaskFieldContainer.__init_subclass__` (`tasks/inputs/inputs.py`) merges the parents' fields first,
/// in reversed MRO, so `build_architecture` (`BaseTaskWithExecutor`) and `extra_repositories`
/// (`ExtraRepositoryMixin`) come before the task's own, and the `DBTask`'s `task_configuration` before them all.
@Suite("input fields resolve in Debusine's order")
struct InputFieldOrderTests {
    @Test("sbuild, autopkgtest and piuparts: build_architecture, extra_repositories, then the task's own fields")
    func executorTasksWithExtraRepositories() {
        #expect(
            SbuildTask.inputFields.map(\.name) == [
                "build_architecture", "extra_repositories", "input_source_artifact", "input_extra_binary_artifacts",
                "environment", "debusine_fqdn",
            ])
        #expect(
            AutopkgtestTask.inputFields.map(\.name) == [
                "build_architecture", "extra_repositories", "input_source_artifact", "input_binary_artifacts",
                "input_context_artifacts", "environment",
            ])
        #expect(
            PiupartsTask.inputFields.map(\.name) == [
                "build_architecture", "extra_repositories", "base_tgz", "environment", "input_binary_artifacts",
            ])
    }

    @Test("a DBTask's own task_configuration field comes before the task's")
    func taskConfigurationFirst() throws {
        let task = try KilnTasks.registry().makeDBTask(
            type: .worker, name: "sbuild",
            taskData: [
                "input": ["source_artifact": 1], "environment": "debian/match:codename=sid", "build_components": ["any"],
            ])
        #expect(task.inputs.fields.map(\.name).prefix(3) == ["task_configuration", "build_architecture", "extra_repositories"])
    }
}
