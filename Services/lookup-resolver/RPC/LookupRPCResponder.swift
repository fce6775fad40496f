import KilnCore
import Store

/// Answers one `LookupRequest` (the `kiln lookup` RPC) from PostgreSQL.
///
/// The request names its workspace as `scope/name`; the lookup runs from there as `user` (nil =
/// anonymous), exactly as a task input field would (Debusine `server/collections/lookup.py`), in one synchronous walk
/// on one connection.
struct LookupRPCResponder: Sendable {
    let pool: PGPool

    /// The reply for a request body: results, `not-found`, or `invalid` with the reason for anything that
    /// is not a well-formed request (never an error, so the client always hears back).
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
                guard let workspace = try store.workspace(scope: path.scope, name: path.name),
                    workspace.isVisible(to: request.user)
                else {
                    return LookupReply(failure: .notFound("workspace '\(path)' does not exist or is hidden"))
                }
                // Debusine's `LookupSingleSerializer.workflow_root` is a primary-key field: a work request that does
                // not exist is refused with Django REST framework's text before anything is looked up.
                if let rootID = request.workflowRootID, try !database.workRequestExists(rootID) {
                    return LookupReply(failure: .invalid("Invalid pk \"\(rootID)\" - object does not exist."))
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

extension LookupReply {
    /// The reply when the database could not be reached: neither "not found" nor "invalid", so it gets a
    /// kind of its own (`unavailable`) that a client reports as "try again".
    static func unavailable(_ reason: String) -> LookupReply {
        var reply = LookupReply(results: [])
        reply.errorKind = "unavailable"
        reply.errorMessage = "lookup service unavailable: \(reason)"
        return reply
    }
}
