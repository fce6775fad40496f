/// Why a pipeline stage could not finish for a work request, already in the shape the work request records
/// (Debusine `WorkRequest.record_configuration_error`, `server/scheduler.py` `_assign_work_request_to_worker`): the
/// service completes the work request with result `error` and `output_data.errors = [workRequestError]`.
public struct WorkRequestPipelineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The machine-readable codes Debusine uses.
    public enum Code: String, Hashable, Sendable, Codable {
        /// Unblocking failed: task data, pending-stage inputs, subject/context, configuration or tags (Debusine
        /// `WorkRequest.record_configuration_error`).
        case configureFailed = "configure-failed"
        /// Assignment failed: running-stage inputs or `computeDynamicData()` (Debusine `server/scheduler.py`
        /// `_assign_work_request_to_worker`).
        case dynamicDataFailed = "dynamic-data-failed"
    }

    /// Which stage failed.
    public let code: Code
    /// What failed, keeping the typed error where there is one.
    public let cause: PipelineFailureCause

    /// Keeps the stage and the typed cause apart, so the message can use Debusine's wording for the stage.
    public init(code: Code, cause: PipelineFailureCause) {
        self.code = code
        self.cause = cause
    }

    /// `Failed to configure: <cause>` or `Failed to compute dynamic data: <cause>`, as Debusine words them.
    public var message: String {
        switch code {
        case .configureFailed: "Failed to configure: \(cause)"
        case .dynamicDataFailed: "Failed to compute dynamic data: \(cause)"
        }
    }

    /// The entry stored in `output_data.errors`.
    public var workRequestError: WorkRequestError { WorkRequestError(message: message, code: code.rawValue) }

    /// The lookup failure behind the error, if a lookup failed: callers can still tell "not found" (a
    /// removed artifact, a missing collection) from "invalid" (a malformed lookup).
    public var lookupFailure: LookupFailure? { cause.lookupFailure }

    public var description: String { message }
}

/// What made a pipeline stage fail.
public enum PipelineFailureCause: Hashable, Sendable, CustomStringConvertible {
    /// No task of this type and name is registered (or it does not run where it was asked to).
    case registry(TaskRegistryError)
    /// The (submitted or configured) task data does not validate against the task's model.
    case invalidTaskData(TaskDataError)
    /// An input field could not be resolved, restored or read (lookup failures included, with their class).
    case input(TaskInputError)
    /// Task configuration could not be applied (corrupt entry, missing template, cycle).
    case configuration(TaskConfigError)
    /// Loading the configuration collection's entries failed.
    case lookup(LookupFailure)
    /// A model a task validates its computed values with refused them (Debusine's `MergeUploadsDynamicData`).
    case validation(PydanticValidationError)
    /// A task hook (subject, context, tags, dynamic data) threw something else; its description is kept.
    case task(String)

    /// Sorts any error a stage can meet into a cause, keeping the typed ones typed.
    public init(_ error: any Error) {
        switch error {
        case let error as TaskRegistryError: self = .registry(error)
        case let error as TaskDataError: self = .invalidTaskData(error)
        case let error as TaskInputError: self = .input(error)
        case let error as TaskConfigError: self = .configuration(error)
        case let error as LookupFailure: self = .lookup(error)
        case let error as PydanticValidationError: self = .validation(error)
        default: self = .task(String(describing: error))
        }
    }

    /// The lookup failure behind the cause, if any.
    public var lookupFailure: LookupFailure? {
        switch self {
        case .lookup(let failure): return failure
        case .input(let error):
            switch error.underlying {
            case .lookup(let failure), .fieldLookupFailed(_, _, _, let failure): return failure
            default: return nil
            }
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .registry(let error): error.description
        case .invalidTaskData(let error): error.description
        case .input(let error): error.description
        case .configuration(let error): error.description
        case .lookup(let failure): failure.message
        case .validation(let error): error.description
        case .task(let text): text
        }
    }
}

extension WorkRequestPipelineError {
    /// Runs a step of the pending transition, turning whatever it throws into `configure-failed`.
    static func configuring<T>(_ body: () throws -> T) throws(WorkRequestPipelineError) -> T {
        do { return try body() } catch let error as WorkRequestPipelineError { throw error } catch {
            throw WorkRequestPipelineError(code: .configureFailed, cause: PipelineFailureCause(error))
        }
    }

    /// Runs a step of the assignment, turning whatever it throws into `dynamic-data-failed`.
    static func computingDynamicData<T>(_ body: () throws -> T) throws(WorkRequestPipelineError) -> T {
        do { return try body() } catch let error as WorkRequestPipelineError { throw error } catch {
            throw WorkRequestPipelineError(code: .dynamicDataFailed, cause: PipelineFailureCause(error))
        }
    }
}
