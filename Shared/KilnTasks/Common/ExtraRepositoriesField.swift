import KilnCore

extension TaskDataReader {
    /// `extra_repositories` (Debusine `tasks/models.py` `BaseTaskDataWithExtraRepositories`, shared by sbuild,
    /// autopkgtest and piuparts): nil when absent or null, else every repository checked.
    ///
    /// - Throws: `TaskDataError` naming the element and key.
    mutating func extraRepositories() throws(TaskDataError) -> [ExtraRepository]? {
        try ExtraRepository.readList(raw("extra_repositories"), field: fieldName("extra_repositories"))
    }
}

extension ExecutorTaskSupport {
    /// `extra_repositories`, the input field sbuild, autopkgtest and piuparts declare as Debusine's do. It comes
    /// right after `build_architecture` in their fields, the order Debusine resolves them
    /// (`tasks/inputs/inputs.py` `TaskFieldContainer.__init_subclass__` merges the parents' fields first, in
    /// reversed MRO: `BaseTaskWithExecutor`'s, then `ExtraRepositoryMixin`'s, then the task's own), so a failing
    /// extra repository is reported before a failing artifact or environment.
    static let extraRepositories = InputField("extra_repositories", kind: .extraRepositories)

    /// The dynamic data's `extra_repositories` (Debusine `BaseDynamicTaskDataWithExtraRepositories`): the resolved
    /// repositories as dynamic data stores them (only their given keys), `null` when task data gives none.
    static func extraRepositoriesJSON(_ inputs: ResolvedInputs) throws -> JSONValue {
        try inputs.extraRepositories(extraRepositories.name).map { .array($0.map(\.dynamicDataJSON)) } ?? .null
    }
}
