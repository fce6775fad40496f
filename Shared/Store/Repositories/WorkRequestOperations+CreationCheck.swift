import KilnCore

extension WorkRequestOperations {
    /// Runs `WorkRequestCreationCheck` for a work request just inserted on `conn` (Debusine
    /// `WorkRequestViewSet.post`), reading the database as the services will: its creator's lookups, its workspace's
    /// task configuration, the same `settings`.
    ///
    /// Call it inside the submitting transaction, before it commits, for each work request that is
    /// `pending-requested` at once: one still blocked on a dependency may look up what that dependency makes.
    ///
    /// - Parameter memo: shared by the checks of one transaction (a batch asks each collection question once).
    /// - Returns: the failure the services would meet, or nil when the work request could start as it is.
    /// - Throws: database errors, including those met while looking up (they are not the work request's fault).
    public static func creationCheckFailure(
        of id: Int,
        registry: TaskRegistry,
        settings: InputResolutionSettings,
        memo: LookupMemo = LookupMemo(),
        on conn: PGConnection
    ) async throws -> WorkRequestPipelineError? {
        let workRequest = try await WorkRequestRepository.require(id: id, on: conn).workRequest
        let context = try await WorkRequestRepository.lookupContext(of: workRequest, on: conn)
        let tagContext = try await WorkRequestRepository.tagContext(id: id, on: conn)
        return try await conn.withSynchronousAccess { session in
            let store = FaultRecordingLookupStore(PGLookupStore(session, memo: memo))
            do throws(WorkRequestPipelineError) {
                try WorkRequestCreationCheck.run(
                    registry: registry, taskType: workRequest.taskType, taskName: workRequest.taskName,
                    taskData: workRequest.taskData, workRequest: tagContext, lookups: LookupResolver(store: store),
                    context: context, settings: settings)
                return nil
            } catch {
                if let fault = store.fault { throw fault }
                return error
            }
        }
    }
}
