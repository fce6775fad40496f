import KilnCore
import Store

/// Answers one `LookupRequest` (the `kiln lookup` RPC) from PostgreSQL.
///
/// The request names its workspace as `scope/name`; the lookup runs from there as `user` (nil =
/// anonymous), exactly as a task input field would (Debusine `server/collections/lookup.py`), in one synchronous walk
/// on one connection.
struct LookupRPCResponder: Sendable {
    let pool: PGPool

    /// The reply for a request body: results, `not-found`, `refused` (a workspace or workflow root that does not
    /// exist or is hidden), or `invalid` with the reason for anything that is not a well-formed request (never an
    /// error, so the client always hears back).
    ///
    /// - Throws: only database errors (the caller answers those as `unavailable`).
    func reply(toBody body: [UInt8]) async throws -> LookupReply {
        let request: LookupRequest
        do {
            request = try MessageCodec.decode(LookupRequest.self, from: body)
        } catch {
            return LookupReply(failure: .invalid("bad lookup request: \(error)"))
        }
        return try await reply(to: request)
    }

    /// The reply for a decoded request.
    func reply(to request: LookupRequest) async throws -> LookupReply {
        let path: WorkspacePath
        do {
            path = try WorkspacePath(parsing: request.workspace)
        } catch {
            return LookupReply(
                failure: .invalid("workspace '\(request.workspace)' must be written scope/name"))
        }
        return try await pool.withSynchronousAccess { session in
            let database = PGLookupStore(session)
            let store = FaultRecordingLookupStore(database)
            do {
                // Debusine's lookup views (`server/views/lookups.py`) check the request as their serializer reads it
                // (the workspace by name, `WorkspaceInCurrentScopeField`, and `workflow_root`, a primary-key field,
                // must exist), then that the user may see each (`enforce(…can_display)`), with Django REST
                // framework's texts and Debusine's; tests `server/views/tests/test_lookups.py`
                // `test_workspace_not_found`, `test_workspace_not_visible`, `test_workflow_root_not_found`,
                // `test_workflow_root_not_visible`.
                guard let workspace = try store.workspace(scope: path.scope, name: path.name) else {
                    return .refused("Object with name=\(path.name) does not exist.")
                }
                var rootWorkspaceID: Int?
                if let rootID = request.workflowRootID {
                    guard let found = try database.workRequestWorkspaceID(rootID) else {
                        return .refused("Invalid pk \"\(rootID)\" - object does not exist.")
                    }
                    rootWorkspaceID = found
                }
                let user = request.user ?? "AnonymousUser"
                guard workspace.isVisible(to: request.user) else {
                    return .refused("\(user) cannot display workspace \(path)")
                }
                if let rootID = request.workflowRootID, let rootWorkspaceID,
                    try store.workspace(id: rootWorkspaceID)?.isVisible(to: request.user) != true
                {
                    return .refused("\(user) cannot display work request \(rootID)")
                }
                let context = LookupContext(
                    workspaceID: workspace.id, user: request.user, workflowRootID: request.workflowRootID)
                let resolver = LookupResolver(store: store)
                if request.multiple {
                    return LookupReply(
                        results: try resolver.lookupMultiple(
                            request.lookup, expect: request.expectType, defaultCategory: request.defaultCategory,
                            context: context))
                }
                return LookupReply(
                    results: [
                        try resolver.lookupSingle(
                            request.lookup, expect: request.expectType, defaultCategory: request.defaultCategory,
                            context: context)
                    ])
            } catch let failure as LookupFailure {
                if let fault = store.fault { throw fault }
                return LookupReply(failure: failure)
            }
        }
    }
}
