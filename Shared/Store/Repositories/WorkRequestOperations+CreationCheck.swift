import KilnCore

extension WorkRequestOperations {
    /// Runs `WorkRequestCreationCheck` for submissions just inserted on `conn` (Debusine `WorkRequestViewSet.post`),
    /// reading the database as the services will: the creator's lookups, the workspace's task configuration, the
    /// same `settings`.
    ///
    /// Call it inside the submitting transaction, before it commits, for the work requests that are
    /// `pending-requested` at once: one still blocked on a dependency may look up what that dependency makes.
    /// `representative` is one of the inserted work requests; every submission must share its workspace and
    /// creator (one `kiln submit`, one `--batch` file), so the lookup and tag contexts are read once, and every
    /// lookup runs in one synchronous walk sharing one memo: a batch asks each collection question once.
    ///
    /// - Returns: the position and failure of the first submission that could not start, or nil.
    /// - Throws: `RepositoryError.invalid` for a submission of another workspace or creator; database errors,
    ///   including those met while looking up (they are not the work request's fault).
    public static func firstCreationCheckFailure(
        of submissions: [WorkRequestSubmission],
        representative: WorkRequest,
        registry: TaskRegistry,
        settings: InputResolutionSettings,
        on conn: PGConnection
    ) async throws -> (position: Int, failure: WorkRequestPipelineError)? {
        guard !submissions.isEmpty else { return nil }
        if let other = submissions.first(where: {
            $0.workspaceID != representative.workspaceID || $0.createdBy != representative.createdBy
        }) {
            throw RepositoryError.invalid(
                "a creation check shares one workspace and creator: workspace \(other.workspaceID) and creator "
                    + "\(other.createdBy) differ from work request \(representative.id)'s")
        }
        let context = try await WorkRequestRepository.lookupContext(of: representative, on: conn)
        let tagContext = try await WorkRequestRepository.tagContext(id: representative.id, on: conn)
        return try await conn.withSynchronousAccess { session in
            let store = FaultRecordingLookupStore(PGLookupStore(session))
            let lookups = LookupResolver(store: store)
            for (position, submission) in submissions.enumerated() {
                do throws(WorkRequestPipelineError) {
                    try WorkRequestCreationCheck.run(
                        registry: registry, taskType: submission.taskType, taskName: submission.taskName,
                        taskData: submission.taskData, workRequest: tagContext, lookups: lookups, context: context,
                        settings: settings)
                } catch {
                    if let fault = store.fault { throw fault }
                    return (position, error)
                }
            }
            // A database error met while trying the configured task (which the pending transition tolerates, the
            // failure being left to the assignment) must not pass for a successful check.
            if let fault = store.fault { throw fault }
            return nil
        }
    }
}
