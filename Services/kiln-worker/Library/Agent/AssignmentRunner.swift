import Foundation
import KilnCore
import Logging

/// Runs one assignment: rebuilds the `ExternalTask` from the configured task data and the dynamic data of
/// the assignment (no lookups, no store, as Debusine's `worker/task_runner.py` `TaskRunner.setup_task`), executes it
/// and turns the outcome into a `worker.result` body carrying the assignment's epoch.
///
/// Every failure becomes an `error` result with `errors: [{message, code}]` (as Debusine's `worker/_worker.py`
/// `Worker._request_and_execute_work_request` reports a runner failure, with its codes and messages); a cancelled run (abort, or a forced shutdown)
/// produces no result at all.
public struct AssignmentRunner: Sendable {
    public let registry: TaskRegistry
    public let workerType: WorkerType
    public let token: String
    /// Real execution (file store, environments, work folder); nil when `KILN_FILE_STORE_URL` is unset, and
    /// then only `noop` runs.
    public let execution: TaskExecutionEnvironment?

    public init(registry: TaskRegistry, workerType: WorkerType, token: String, execution: TaskExecutionEnvironment? = nil) {
        self.registry = registry
        self.workerType = workerType
        self.token = token
        self.execution = execution
    }

    /// Error codes the worker puts in `output_data.errors[].code`: Debusine's worker's (`worker/task_runner.py`
    /// `TaskRunnerError`), with its messages, and two of Kiln's.
    public enum ErrorCode: String, Sendable {
        /// The assignment is for a task type this worker does not run (`Task: sbuild is of type Worker, not
        /// Signing`).
        case wrongTaskType = "wrong-task-type"
        /// The task is not registered on this worker (`Task: nope Error setup: 'nope' is not a registered Worker
        /// task_name`).
        case setupFailed = "setup-failed"
        /// The task could not be rebuilt from its data and dynamic data (`Task: sbuild Error configure: 1
        /// validation error for SbuildData …`).
        case configureFailed = "configure-failed"
        /// The task threw while executing (`Task: noop Error execute: …`).
        case executeFailed = "execute-failed"
        /// Kiln's: the task has no worker-side execution on this worker (no runner, or no file store configured).
        case executionUnavailable = "execution-unavailable"
        /// Kiln's: the run ended in `error` for a reason it states (a tool not installed, a download that does not
        /// match, …); Debusine's worker sends no error for a result its task returned.
        case executionFailed = "execution-failed"
        /// Kiln's: the assignment's body could not be decoded at all.
        case undecodableAssignment = "undecodable-assignment"
    }

    /// Runs the assignment; nil when the task was cancelled (an aborted task reports nothing).
    ///
    /// A task that ran reports its `runtime_statistics` (``RunStatistics``) whatever its result; a run that
    /// could not start or threw reports only its `errors`, as Debusine's worker
    /// (`Worker._request_and_execute_work_request` sends `runtime_statistics` only with a result the task
    /// itself returned).
    public func run(_ assignment: WorkAssignment, logger: Logger) async -> WorkerResult? {
        let outcome = await execute(assignment, logger: logger)
        guard !Task.isCancelled, let outcome else { return nil }
        var output: [String: JSONValue] = [:]
        if let statistics = outcome.statistics { output["runtime_statistics"] = statistics }
        if !outcome.errors.isEmpty { output["errors"] = .array(outcome.errors) }
        return WorkerResult(
            token: token, workRequestID: assignment.workRequestID, epoch: assignment.epoch, result: outcome.result,
            outputData: output)
    }

    /// A run's result, its `errors` and its `runtime_statistics` (nil when it did not get to run).
    private typealias Outcome = (result: String, errors: [JSONValue], statistics: JSONValue?)

    private func execute(_ assignment: WorkAssignment, logger: Logger) async -> Outcome? {
        let name = assignment.taskName
        guard assignment.taskType.dispatchWorkerType == workerType else {
            let expected = TaskType.allCases.first { $0.dispatchWorkerType == workerType }?.rawValue ?? workerType.rawValue
            return failure(.wrongTaskType, "Task: \(name) is of type \(assignment.taskType.rawValue), not \(expected)")
        }
        let task: any ExternalTask
        do {
            task = try WorkerTaskRebuild.rebuild(
                registry: registry, taskType: assignment.taskType, taskName: name,
                configuredTaskData: assignment.taskData, dynamicTaskData: assignment.dynamicTaskData)
        } catch {
            switch error {
            case .unknownTask(.unknownTask(let key)):
                // `BaseExternalTask.class_from_name`'s ValueError.
                let unknown = "\(JSONValue.pythonStringRepr(key.name)) is not a registered \(key.type.rawValue) task_name"
                return failure(.setupFailed, "Task: \(name) Error setup: \(unknown)")
            case .unknownTask(let registryError):
                return failure(.setupFailed, "Task: \(name) Error setup: \(registryError)")
            case .invalidTaskData(_, let dataError):
                return failure(.configureFailed, "Task: \(name) Error configure: \(dataError)")
            case .badFieldValue(_, let inputError):
                return failure(.configureFailed, "Task: \(name) Error configure: \(inputError)")
            case .missingFieldValue, .other:
                return failure(.configureFailed, "Task: \(name) Error configure: \(error)")
            }
        }
        let context = LoggingExecutionContext(workRequestID: assignment.workRequestID, logger: logger)
        let statistics = RunStatistics(samplesHost: TaskRunContext.environmentID(task) != nil)
        let sampler = Task { await statistics.sampleUntilCancelled() }
        defer { sampler.cancel() }
        do {
            let outcome: TaskOutcome
            if let runner = WorkerTaskRunners.runner(for: assignment.taskName), let execution {
                outcome = try await TaskExecutionPipeline(environment: execution, logger: logger).run(
                    task, runner: runner, workRequestID: assignment.workRequestID, epoch: assignment.epoch,
                    statistics: statistics)
            } else {
                // A task with nothing to fetch or upload (noop): all its time is its `run` phase.
                statistics.enter(.run)
                outcome = try await task.execute(in: context)
                statistics.enter(nil)
            }
            var errors: [JSONValue] = []
            if outcome.result == .error, let message = outcome.message {
                errors.append(Self.error(.executionFailed, message))
            }
            return (outcome.result.rawValue, errors, statistics.report())
        } catch is CancellationError {
            return nil
        } catch let error as TaskExecutionError {
            // The worker advertises only the tasks it executes (`WorkerTaskRunners.executable`), so this means
            // the gateway sent a task the tags should have kept away.
            return failure(.executionUnavailable, error.description)
        } catch {
            return failure(.executeFailed, "Task: \(name) Error execute: \(error)")
        }
    }

    private func failure(_ code: ErrorCode, _ message: String) -> Outcome {
        ("error", [Self.error(code, message)], nil)
    }

    static func error(_ code: ErrorCode, _ message: String) -> JSONValue {
        .object(["message": .string(message), "code": .string(code.rawValue)])
    }
}

/// The execution context handed to tasks: their log lines become worker log lines tagged with the work request.
struct LoggingExecutionContext: TaskExecutionContext {
    let workRequestID: Int
    let logger: Logger

    func log(_ line: String) async {
        logger.info("task output", metadata: ["wr.id": "\(workRequestID)", "task.line": "\(line)"])
    }
}
