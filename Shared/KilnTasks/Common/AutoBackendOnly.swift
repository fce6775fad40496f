import KilnCore

extension ExecutorSettings {
    /// Refuses any backend but `auto`, as the `backend_is_auto` validators of Debusine's
    /// `ExtractForSigningData` and `AssembleSignedSourceData` do (`tasks/models.py`): these tasks pick their
    /// own executor.
    ///
    /// - Parameter task: the task's class name as Debusine writes it in the message (`ExtractForSigning`).
    /// - Throws: `TaskDataError.invalidValue` on `backend` with Debusine's message.
    func requireAutoBackend(task: String) throws(TaskDataError) {
        guard backend == .auto else {
            throw .invalidValue(
                field: "backend", value: .string(backend.rawValue),
                reason: "\(task) only accepts backend \"auto\", not \"\(backend.rawValue)\"")
        }
    }
}
