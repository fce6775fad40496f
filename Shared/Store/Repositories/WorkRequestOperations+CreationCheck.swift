import KilnCore

extension WorkRequestOperations {
    /// One submission `WorkRequestCreationCheck` is run for: its task and data.
    public struct CreationCheckEntry: Sendable {
        public var taskType: TaskType
        public var taskName: String
        public var taskData: JSONValue

        /// Memberwise.
        public init(taskType: TaskType, taskName: String, taskData: JSONValue) {
            self.taskType = taskType
            self.taskName = taskName
            self.taskData = taskData
        }
    }

    /// Runs `WorkRequestCreationCheck` for work requests just inserted on `conn` by one submission (Debusine
    /// `WorkRequestViewSet.post`), reading the database as the services will: the creator's lookups, the
    /// workspace's task configuration, the same `settings`.
    ///
    /// Call it inside the submitting transaction, before it commits, for the work requests that are
    /// `pending-requested` at once: one still blocked on a dependency may look up what that dependency makes.
    /// Every entry must share `representative`'s workspace and creator (one `kiln submit`, one `--batch` file): the
    /// lookup and tag contexts are read once from it, and every lookup runs in one synchronous walk sharing one
    /// memo, so a batch asks each collection question once.
    ///
    /// - Returns: the position and failure of the first entry that could not start, or nil.
    /// - Throws: database errors, including those met while looking up (they are not the work request's fault).
    public static func firstCreationCheckFailure(
        of entries: [CreationCheckEntry],
        representative id: Int,
        registry: TaskRegistry,
        settings: InputResolutionSettings,
        on conn: PGConnection
    ) async throws -> (position: Int, failure: WorkRequestPipelineError)? {
        guard !entries.isEmpty else { return nil }
        let workRequest = try await WorkRequestRepository.require(id: id, on: conn).workRequest
        let context = try await WorkRequestRepository.lookupContext(of: workRequest, on: conn)
        let tagContext = try await WorkRequestRepository.tagContext(id: id, on: conn)
        return try await conn.withSynchronousAccess { session in
            let store = FaultRecordingLookupStore(PGLookupStore(session))
            let lookups = LookupResolver(store: store)
            for (position, entry) in entries.enumerated() {
                do throws(WorkRequestPipelineError) {
                    try WorkRequestCreationCheck.run(
                        registry: registry, taskType: entry.taskType, taskName: entry.taskName, taskData: entry.taskData,
                        workRequest: tagContext, lookups: lookups, context: context, settings: settings)
                } catch {
                    if let fault = store.fault { throw fault }
                    return (position, error)
                }
            }
            return nil
        }
    }
}
