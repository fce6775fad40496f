import FileStore
import Foundation
import KilnCore
import Logging

/// What the worker needs to run tasks for real: the file store (with the worker's own token), the
/// environment cache and the folder work requests run in. Configured by `KILN_FILE_STORE_URL`,
/// `KILN_WORKER_WORK_DIR` and `KILN_WORKER_CACHE_*`.
public struct TaskExecutionEnvironment: Sendable {
    /// The file store.
    public let fileStore: FileStoreClient
    /// Tarballs kept between runs.
    public let environments: EnvironmentCache
    /// Where each work request gets its folder (`<work dir>/wr-<id>-<epoch>`).
    public let workDirectory: URL
    /// What each run is doing, for the heartbeats.
    public let progress = ProgressBoard()

    /// Memberwise.
    public init(fileStore: FileStoreClient, environments: EnvironmentCache, workDirectory: URL) {
        self.fileStore = fileStore
        self.environments = environments
        self.workDirectory = workDirectory
    }
}

/// One real run, as Debusine's `BaseExternalTask._execute`: a fresh folder; the runner fetches, runs and
/// decides; its outputs are uploaded (each with the work request named, so only this run's token-holder
/// could) and related; the task log is uploaded as `debusine:work-request-debug-logs` relating to every
/// fetched input, whatever the result; the folder is removed.
///
/// A failure of the run itself — a missing tool, a download that does not match its SHA-256, an upload the
/// file store refuses, an environment that does not unpack, a full disk — is an `error` whose message names
/// the cause. An artifact whose upload did not finish stays incomplete, so no lookup ever sees it.
public struct TaskExecutionPipeline: Sendable {
    let environment: TaskExecutionEnvironment
    let logger: Logger

    /// Runs `task` with `runner` for work request `workRequestID` (assignment `epoch`); the phases of the run
    /// are counted in `statistics` (uploading the outputs is `teardown`, the task log's upload in no phase).
    ///
    /// - Throws: `CancellationError` when aborted (the folder is removed, nothing is reported).
    public func run(
        _ task: any ExternalTask, runner: any WorkerTaskRunner, workRequestID: Int, epoch: Int,
        statistics: RunStatistics = RunStatistics(samplesHost: false)
    ) async throws -> TaskOutcome {
        let directory = environment.workDirectory.appendingPathComponent("wr-\(workRequestID)-\(epoch)", isDirectory: true)
        try? FileManager.default.removeItem(at: directory)
        defer {
            try? FileManager.default.removeItem(at: directory)
            environment.progress.clear(workRequestID)
        }
        let context: TaskRunContext
        do {
            context = try TaskRunContext(
                workRequestID: workRequestID, directory: directory, fileStore: environment.fileStore,
                environments: environment.environments, progress: environment.progress, statistics: statistics,
                logger: logger)
        } catch {
            return TaskOutcome(.error, message: "cannot prepare the work folder \(directory.path): \(error)")
        }
        var outcome: TaskOutcome
        do {
            let report = try await runner.run(task, context: context)
            outcome = TaskOutcome(report.result, message: report.message)
            do {
                try await upload(report.outputs, context: context, workRequestID: workRequestID)
            } catch {
                if Self.isAbort(error) { throw CancellationError() }
                outcome = TaskOutcome(.error, message: "uploading the results failed: \(error)")
            }
        } catch {
            if Self.isAbort(error) { throw CancellationError() }
            context.note("error: \(error)")
            outcome = TaskOutcome(.error, message: "\(error)")
        }
        statistics.enter(nil)
        outcome = FreeSpace.blameFullDisk(for: outcome, in: directory)
        context.note("result: \(outcome.result.rawValue)" + (outcome.message.map { " (\($0))" } ?? ""))
        await uploadDebugLogs(context: context, workRequestID: workRequestID)
        return outcome
    }

    /// Whether `error` ended the run because it was aborted: a cancellation, or whatever a tool or the file
    /// store client reported once the task was cancelled (the client says `cancelled` in its own words).
    private static func isAbort(_ error: any Error) -> Bool { error is CancellationError || Task.isCancelled }

    private func upload(_ outputs: [OutputArtifact], context: TaskRunContext, workRequestID: Int) async throws {
        var ids: [Int] = []
        for (index, output) in outputs.enumerated() {
            context.progress("uploading \(output.category) (\(index + 1)/\(outputs.count))")
            let artifact = try await environment.fileStore.uploadArtifact(
                category: output.category, data: output.data, files: output.files, workRequest: workRequestID)
            ids.append(artifact.id)
            logger.info(
                "artifact uploaded",
                metadata: ["wr.id": "\(workRequestID)", "artifact": "\(artifact.id)", "category": "\(output.category)"])
        }
        for (index, output) in outputs.enumerated() {
            for (type, target) in output.relations {
                let targetID: Int
                switch target {
                case .artifact(let id): targetID = id
                case .output(let other): targetID = ids[other]
                }
                try await environment.fileStore.relate(.init(artifact: ids[index], target: targetID, type: type))
            }
        }
    }

    /// The task log as `debusine:work-request-debug-logs`; a failure here is logged, never the run's result.
    private func uploadDebugLogs(context: TaskRunContext, workRequestID: Int) async {
        do {
            try await upload(
                [
                    OutputArtifact(
                        category: KnownCategories.workRequestDebugLogs, data: [:],
                        files: ["cmd-output.log": context.log], relations: context.relatesToInputs())
                ], context: context, workRequestID: workRequestID)
        } catch {
            logger.warning("could not upload the task log", metadata: ["wr.id": "\(workRequestID)", "error": "\(error)"])
        }
    }
}
