import ArgumentParser
import KilnCore
import KilnRuntime
import KilnTasks
import ServiceKit
import Store

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Create a work request after validating its task data against the task's model.",
        discussion: """
            The task data (--data, then each --set on top) is validated BEFORE anything is written: an unknown \
            task or invalid data is refused with the task model's exact error. The work request is created \
            BLOCKED; if it can be unblocked at once (no unfinished dependency) it becomes pending-requested and \
            the services resolve its inputs, configure it and schedule it. Such a work request must be able to \
            start as it is, as Debusine's API requires: if its task configuration, an input lookup or its \
            dynamic data fails, nothing is created and the refusal names the failure (with \
            KILN_FALLBACK_ARCHITECTURE and KILN_FQDN read as the services read them). With --depends-on it waits \
            for those work requests and is checked by the services when they finish; if one has already failed, \
            it is aborted at once.

            With --batch FILE (JSON or YAML, '-' for stdin) many work requests are validated, then created in \
            ONE transaction: all or none. FILE is a list of objects with the keys task (required), type \
            (default: the type the task name has, worker first), data (default {}), priority (default 0), depends_on (ids of existing work \
            requests) and after (positions of EARLIER entries of the same file, 0 is the first), e.g.
              [{"task": "noop", "data": {"result": "success"}},
               {"task": "noop", "after": [0]}]
            --workspace and --created-by apply to every entry; give no task name and none of --type, --data, \
            --set, --priority, --depends-on with --batch. An error names the entry and the key.

            Examples:
              kiln submit noop --workspace debian/dev --set result=success
              kiln submit sbuild --workspace debian/dev --data sbuild.json --priority 10
              kiln submit lintian --workspace debian/dev --depends-on 12 \\
                  --data '{"input": {"source_artifact": 7}}'
              kiln submit --batch rebuilds.yaml --workspace debian/dev --json
            """
    )

    @Argument(help: "The task name, e.g. noop, sbuild, lintian (case-insensitive); not with --batch.")
    var taskName: String?

    @Option(help: "Submit every work request listed in this JSON/YAML file in one transaction ('-' = stdin).")
    var batch: String?

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Option(
        name: .customLong("type"),
        help: """
            The task type: worker or server (signing, internal and wait tasks are refused). Default: the type \
            that registers the name, worker first, as Debusine's API decides it.
            """)
    var taskType: String?

    @Option(help: "Task data: inline JSON object or a JSON/YAML file (default {}).")
    var data: String?

    @Option(
        name: .customLong("set"),
        help: "Set KEY=VALUE in the task data (dotted keys nest; VALUE is JSON or text); repeat."
    )
    var assignments: [String] = []

    @Option(help: "Base priority (higher runs first).")
    var priority = 0

    @Option(name: .customLong("depends-on"), help: "A work request id that must finish first; repeat.")
    var dependsOn: [Int] = []

    @Option(name: .customLong("created-by"), help: "The creating user (default $USER; created if new).")
    var createdBy: String?

    @Option(
        name: .customLong("workflow-data"),
        help: "Workflow data (Debusine's workflow_data): inline JSON object or a JSON/YAML file.")
    var workflowData: String?

    @Flag(help: "Dependants may still run if this work request fails or is aborted (workflow_data.allow_failure).")
    var allowFailure = false

    @Flag(
        help: "This work request runs even if a dependency fails or is aborted (workflow_data.allow_dependency_failures).")
    var allowDependencyFailures = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(
        help: """
            Wait until the services have taken the work request through its pending stages (configured, inputs \
            resolved, tags computed: the answer Debusine's API gives) before printing it.
            """)
    var wait = false

    @Option(help: "With --wait: give up after this long (exit 69; default 5m).")
    var timeout: DurationOption?

    func validate() throws {
        if batch != nil, wait { throw ValidationError("--wait applies to one submission, not --batch") }
        if !wait, timeout != nil { throw ValidationError("--timeout applies only with --wait") }
        if batch != nil {
            var conflicting: [String] = []
            if let taskName { conflicting.append("the task name '\(taskName)'") }
            if taskType != nil { conflicting.append("--type") }
            if data != nil { conflicting.append("--data") }
            if !assignments.isEmpty { conflicting.append("--set") }
            if priority != 0 { conflicting.append("--priority") }
            if !dependsOn.isEmpty { conflicting.append("--depends-on") }
            if workflowData != nil || allowFailure || allowDependencyFailures { conflicting.append("the workflow data") }
            if !conflicting.isEmpty {
                throw ValidationError(
                    "--batch takes everything from its file; drop \(conflicting.joined(separator: ", ")) "
                        + "(put them in the entries: task, type, data, priority, depends_on, workflow_data)")
            }
        } else if taskName == nil {
            throw ValidationError("give a task name (e.g. kiln submit noop --workspace S/W) or --batch FILE")
        }
    }

    func run() async throws {
        if let batch {
            return try await BatchSubmission(
                path: batch, workspace: workspace, createdBy: createdBy, json: json
            ).run()
        }
        let taskName = self.taskName ?? ""
        try await CLIRunner.run { pool in
            let requested = try taskType.map { text throws(CLIError) in
                guard let type = TaskType(caseInsensitive: text) else {
                    throw CLIError(
                        "unknown task type '\(text)': expected one of "
                            + TaskType.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", ")
                    )
                }
                return type
            }
            let path = try WorkspacePath(parsing: workspace)
            let (base, writtenOrder) = try data.map { try DataInput.orderedDocument($0, what: "--data") } ?? ([:], nil)
            let taskData = try DataInput.applying(assignments, to: base)
            // Refusals print the task data as Debusine's API does, a Python dict in the order it was written.
            let keyOrder = DataInput.keyOrder(
                data == nil ? .object(keys: [], members: [:]) : writtenOrder, afterApplying: assignments)
            let registry = try KilnTasks.registry()
            // Only what Debusine's API lets a (super)user create: Worker and Server tasks.
            let type = try SubmittableTasks.resolve(name: taskName, requested: requested, registry: registry)
            var flow = try workflowData.map {
                try WorkflowDataInput.parse(try DataInput.document($0, what: "--workflow-data"), what: "--workflow-data")
            } ?? WorkflowData()
            if allowFailure { flow.allowFailure = true }
            if allowDependencyFailures { flow.allowDependencyFailures = true }
            // Validate before touching the database: a bad submission never reaches a transaction.
            let probe = WorkRequestSubmission(
                workspaceID: 0,
                createdBy: 0,
                taskType: type,
                taskName: taskName,
                taskData: taskData
            )
            do {
                _ = try probe.validated(by: registry)
            } catch {
                throw SubmittableTasks.invalidData(
                    type: type, name: taskName, taskData: taskData, keyOrder: keyOrder, error: error)
            }
            let settings = try RuntimeSettings.inputResolution(EnvironmentReader())
            let user = ActingUser.name(createdBy)
            var (outcome, stored) = try await pool.withCASRetry { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                let creator = try await WorkspaceRepository.findOrCreateUser(user, on: conn)
                var submission = probe
                submission.workspaceID = workspace.id
                submission.createdBy = creator.id
                submission.priorityBase = priority
                submission.dependencyIDs = dependsOn
                submission.workflowData = flow
                let outcome = try await WorkRequestOperations.submit(try submission.validated(by: registry), on: conn)
                let stored = try await WorkRequestRepository.require(id: outcome.id, on: conn)
                // Debusine's API keeps a work request only if it could start as it is (WorkRequestCreationCheck);
                // throwing here rolls the insertion back.
                if stored.workRequest.pendingStage == .requested,
                    let (_, failure) = try await WorkRequestOperations.firstCreationCheckFailure(
                        of: [submission], representative: stored.workRequest, registry: registry, settings: settings,
                        on: conn)
                {
                    throw SubmittableTasks.cannotStart(
                        type: type, name: taskName, taskData: taskData, keyOrder: keyOrder, failure: failure)
                }
                return (outcome, stored)
            }
            if wait, stored.workRequest.pendingStage != nil {
                stored = try await Self.waitPastPendingStages(
                    id: outcome.id, pool: pool, timeout: timeout ?? DurationOption(argument: "5m")!)
            }
            if json {
                // The work request as Debusine's API answers a creation (its serializer), with Kiln's stage and the
                // work requests aborted with it.
                var fields = WorkRequestAnswer.fields(of: stored, scope: path.scope, workspace: path.name)
                fields["aborted"] = .array(outcome.aborted.map(JSONValue.int))
                Output.json(.object(fields))
                return
            }
            var line = "submitted work request \(outcome.id) (\(stored.displayStatus))"
            if stored.workRequest.status == .blocked {
                line +=
                    ": waiting for "
                    + stored.workRequest.dependencyIDs.sorted().map(String.init).joined(separator: ", ")
            } else if stored.workRequest.status == .aborted {
                line += ": a dependency already failed"
            }
            print(line)
        }
    }

    /// Polls work request `id` until the services have taken it past its pending stages (Kiln's part of Debusine's
    /// `mark_pending`): it is then pending with its configured data and tags, blocked, or terminated. When `timeout`
    /// passes first, fails with `CLIExit.unavailable`, naming the stage it is still at.
    static func waitPastPendingStages(id: Int, pool: PGPool, timeout: DurationOption) async throws -> StoredWorkRequest {
        let deadline = ContinuousClock.now + timeout.duration
        while true {
            let stored = try await pool.withConnection { try await WorkRequestRepository.require(id: id, on: $0) }
            guard stored.workRequest.pendingStage != nil else { return stored }
            guard try await WatchCommand.pause(DurationOption(argument: "200ms")!, before: deadline) else {
                CLIRunner.fail(
                    CLIError(
                        "timed out after \(timeout): work request \(id) is still \(stored.displayStatus)",
                        context: "the lookup-resolver and tag-computer take it further; kiln explain \(id) says why not"),
                    status: CLIExit.unavailable)
            }
        }
    }
}
