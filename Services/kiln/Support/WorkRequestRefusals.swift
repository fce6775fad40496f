import KilnCore
import Store

/// Refusals about one work request worded as Debusine's API words them (`server/views/work_requests.py`): an id
/// that does not exist is Django REST framework's `No WorkRequest matches the given query.` (tests
/// `test_get_work_request_not_found`, `test_post_work_request_not_found`), with Kiln's words on a second line; a
/// refused abort or retry carries the view's title before the state machine's reason (`Cannot abort work
/// request: Only pending, blocked, or running tasks can be aborted`; tests `test_post_cannot_abort`,
/// `test_post_cannot_retry`).
enum WorkRequestRefusals {
    /// What was asked of the work request.
    enum Action {
        case show, manage, abort, retry

        /// The title of Debusine's refusal, if the action has one.
        var title: String? {
            switch self {
            case .show, .manage: nil
            case .abort: "Cannot abort work request"
            case .retry: "Cannot retry work request"
            }
        }
    }

    /// Runs `body`, rewording its refusals about work request `id`.
    static func answering<Result>(_ id: Int, as action: Action, _ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch RepositoryError.notFound(let kind, let key) where kind == "work request" && key == String(id) {
            throw CLIError("No WorkRequest matches the given query.", context: "work request \(id) does not exist")
        } catch let error as WorkRequestGraphError {
            guard case .cannotAbort = error, let title = action.title else { throw error }
            throw CLIError("\(title): \(error)")
        } catch let error as RetryRefusal {
            guard let title = action.title else { throw error }
            throw CLIError("\(title): \(error)")
        }
    }
}
