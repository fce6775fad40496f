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
    /// `extra_repositories`, the input field sbuild, autopkgtest and piuparts declare as Debusine's do.
    static let extraRepositories = InputField("extra_repositories", kind: .extraRepositories)

    /// The dynamic data's `extra_repositories` (Debusine `BaseDynamicTaskDataWithExtraRepositories`): the resolved
    /// repositories as dynamic data stores them (only their given keys), `null` when task data gives none.
    static func extraRepositoriesJSON(_ inputs: ResolvedInputs) throws -> JSONValue {
        try inputs.extraRepositories(extraRepositories.name).map { .array($0.map(\.dynamicDataJSON)) } ?? .null
    }
}
