import Foundation
import KilnCore

extension WorkRequestOperations {
    /// How ``endUnprocessable(_:error:pool:)`` ended a work request.
    public enum UnprocessableOutcome: Sendable, Equatable {
        /// Completed with `error` through the core's transition, its dependants settled as for any other
        /// termination.
        case completed
        /// Its row could not be read (a column the model cannot decode): completed with `error` by a
        /// compare-and-set on its status alone; its dependants are left as they are for an operator.
        case completedUnreadable
        /// It had terminated already: nothing written.
        case alreadyTerminated
        /// No such work request.
        case notFound
    }

    /// Ends a work request that an event about it failed on at every delivery (a poison work request): it
    /// completes with result `error` and `error` in `output_data.errors`, instead of staying where it is
    /// while each re-drive sweep sends another copy of the event to fail again (issue 10, found by the
    /// fault run; deploy/docs/runtime.md, "Poison work requests").
    ///
    /// Tries the ordinary path first (``completeWithPipelineError(_:error:at:on:)``, with the cascade); when
    /// the row cannot even be read, a compare-and-set on its status writes the completion and its
    /// `wr.completed`, so the work request still ends and the scheduler frees its worker's slot.
    public static func endUnprocessable(_ id: Int, error: WorkRequestError, pool: PGPool) async throws
        -> UnprocessableOutcome
    {
        var attempts = 0
        while true {
            do {
                try await pool.withTransaction { conn in _ = try await completeWithPipelineError(id, error: error, on: conn) }
                return .completed
            } catch is StatusChangeError {
                return .alreadyTerminated
            } catch RepositoryError.notFound {
                return .notFound
            } catch RepositoryError.concurrentUpdate where attempts < 2 {
                attempts += 1  // another writer moved a row of its graph: read again
                continue
            } catch where Self.mustBeSeen(error) {
                throw error
            } catch {
                // The row or its graph cannot be read or planned (a column that does not decode, a graph the
                // core refuses): write the bare completion below.
                break
            }
        }
        // The bare completion keeps `worker_id` (unlike `completeWithPipelineError`'s undone assignment): the
        // scheduler reads that column on `wr.completed` to free the worker's slot, and nothing else of this row
        // can be trusted to say more.
        let ended = try await pool.withTransaction { conn -> Bool in
            let changed = try conn.execute(
                """
                UPDATE work_requests
                SET status = 'completed', result = 'error', pending_stage = NULL, completed_at = now(),
                    updated_at = now(),
                    output_data = jsonb_build_object('errors', jsonb_build_array(
                        jsonb_build_object('message', $2::text, 'code', $3::text)))
                WHERE id = $1 AND status IN ('blocked', 'pending', 'running')
                """, id, error.message, error.code)
            guard changed == 1 else { return false }
            try await WorkRequestRepository.releaseTerminated(id, on: conn)
            try await EventOutbox.enqueue(.completed(WorkRequestID(id)), on: conn)
            return true
        }
        return ended ? .completedUnreadable : .alreadyTerminated
    }

    /// Failures the caller must see instead of a bare completion: the database's own (but not a column that
    /// does not decode), a cancellation, a compare-and-set still losing after its retries.
    private static func mustBeSeen(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if case RepositoryError.concurrentUpdate = error { return true }
        if let error = error as? PGError {
            if case .decoding = error { return false }
            return true
        }
        return false
    }
}
