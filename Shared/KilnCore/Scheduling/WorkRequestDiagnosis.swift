import Foundation

/// Why one work request is not running (yet), as `kiln explain` prints it.
///
/// Built from plain values read from PostgreSQL (the work request, its dependencies, every worker), so the
/// whole reasoning is pure and tested without a database. The tag test is the scheduler's own
/// (`TagMatching.explain`) and the task lists are judged by `WorkerTaskNameFilter.rejection(of:)`, so what
/// this says cannot drift from what the scheduler does.
///
/// Unlike `SchedulingIndex.explain` (which only knows the connected, enabled workers the scheduler holds),
/// this one looks at every registered worker and says how many of a class are idle, busy, offline or
/// disabled: an operator asking "why is it not running" most often has a matching worker that is switched
/// off.
public struct WorkRequestDiagnosis: Hashable, Sendable {
    /// The work request explained.
    public let workRequest: DiagnosedWorkRequest
    /// Where it stands and what it waits for.
    public let state: WorkRequestWaitState
    /// Every worker class (same provided tags, required tags, allowlist and denylist), in the order of their
    /// first worker by name; empty unless the work request waits for a worker (`state == .waitingForWorker`).
    public let workerClasses: [WorkerClassDiagnosis]

    /// Diagnoses `workRequest` against `workers`.
    ///
    /// Worker classes are computed only while it waits for a worker: before that its scheduler tags are not
    /// computed yet (the tag-computer freezes them when it becomes PENDING, as Debusine's
    /// `DBTask.apply_task_configuration` does), and after it they no longer matter.
    public init(workRequest: DiagnosedWorkRequest, workers: [DiagnosedWorker]) {
        self.workRequest = workRequest
        let state = WorkRequestWaitState(of: workRequest)
        self.state = state
        guard state == .waitingForWorker else {
            workerClasses = []
            return
        }
        var order: [DiagnosisClassKey] = []
        var members: [DiagnosisClassKey: [DiagnosedWorker]] = [:]
        for worker in workers.sorted(by: { ($0.name, $0.id) < ($1.name, $1.id) }) {
            let key = DiagnosisClassKey(worker)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(worker)
        }
        let taskTags = SchedulingTags(provided: workRequest.providedTags, required: workRequest.requiredTags)
        workerClasses = order.map { key in
            WorkerClassDiagnosis(
                providedTags: key.providedTags.sorted(),
                requiredTags: key.requiredTags.sorted(),
                taskNameFilter: key.taskNameFilter,
                workers: members[key, default: []],
                tagMismatch: TagMatching.explain(
                    taskTags,
                    on: SchedulingTags(provided: key.providedTags, required: key.requiredTags)
                ),
                taskNameRejection: key.taskNameFilter.rejection(of: workRequest.taskName)
            )
        }
    }

    /// The classes whose workers may run it.
    public var matchingClasses: [WorkerClassDiagnosis] { workerClasses.filter(\.canRun) }

    /// How the matching workers stand, summed over the matching classes.
    public var matchingWorkers: WorkerStandingCounts {
        matchingClasses.reduce(WorkerStandingCounts()) { $0 + $1.standing }
    }

    /// When no class matches: the one that misses the fewest things (missing tags on both sides, plus one
    /// for a task-list refusal), the larger class first on a tie, then the earlier one. `nil` when a class
    /// matches or there are no workers at all.
    public var closestClass: WorkerClassDiagnosis? {
        guard matchingClasses.isEmpty else { return nil }
        var best: WorkerClassDiagnosis?
        for candidate in workerClasses {
            guard let current = best else {
                best = candidate
                continue
            }
            if candidate.distance < current.distance
                || (candidate.distance == current.distance && candidate.workers.count > current.workers.count)
            {
                best = candidate
            }
        }
        return best
    }

    /// One sentence for the end of the explanation: what will happen next, or what is in the way.
    public var summary: String {
        switch state {
        case .waitingForWorker:
            if workerClasses.isEmpty { return "no worker can run it: no worker is registered" }
            let counts = matchingWorkers
            guard counts.total > 0 else {
                guard let closest = closestClass else { return "no worker can run it" }
                return "no worker can run it; the closest class (\(closest.workerNames.joined(separator: ", "))) "
                    + "fails because \(closest.reasons.joined(separator: "; "))"
            }
            let noun = counts.total == 1 ? "matching worker" : "matching workers"
            let figures = "\(counts.total) \(noun) (\(counts.description))"
            if counts.idle > 0 {
                return "\(figures): an idle one should be assigned it shortly (is the scheduler running?)"
            }
            if counts.busy > 0 { return "\(figures): waiting for a busy one to free a slot" }
            return "\(figures): none of them is connected and enabled"
        default:
            return state.description
        }
    }
}

/// What `WorkRequestDiagnosis` needs to know of the work request.
public struct DiagnosedWorkRequest: Hashable, Sendable {
    /// Its id.
    public var id: Int
    /// `worker`, `server`, `internal`, … (only worker-type tasks wait for a worker).
    public var taskType: TaskType
    /// The task name, judged by workers' task lists.
    public var taskName: String
    /// Its status.
    public var status: WorkRequestStatus
    /// How far Kiln's unblocking pipeline got (`nil` when not being unblocked).
    public var pendingStage: PendingStage?
    /// The name of the worker it is assigned to, if any.
    public var workerName: String?
    /// Its result once completed.
    public var result: WorkRequestResult
    /// Task-provided tags (TP).
    public var providedTags: Set<String>
    /// Task-required tags (TR).
    public var requiredTags: Set<String>
    /// Its dependencies and their statuses.
    public var dependencies: [DependencyStatus]
    /// The errors recorded in its output data (for a completed or aborted one).
    public var errors: [String]
    /// How it leaves BLOCKED.
    public var unblockStrategy: UnblockStrategy

    public init(
        id: Int,
        taskType: TaskType = .worker,
        taskName: String,
        status: WorkRequestStatus,
        pendingStage: PendingStage? = nil,
        workerName: String? = nil,
        result: WorkRequestResult = .none,
        providedTags: some Sequence<String> = [String](),
        requiredTags: some Sequence<String> = [String](),
        dependencies: [DependencyStatus] = [],
        errors: [String] = [],
        unblockStrategy: UnblockStrategy = .deps
    ) {
        self.id = id
        self.taskType = taskType
        self.taskName = taskName
        self.status = status
        self.pendingStage = pendingStage
        self.workerName = workerName
        self.result = result
        self.providedTags = Set(providedTags)
        self.requiredTags = Set(requiredTags)
        self.dependencies = dependencies
        self.errors = errors
        self.unblockStrategy = unblockStrategy
    }
}

/// One dependency of a work request and how far it got.
public struct DependencyStatus: Hashable, Sendable {
    /// The dependency's id.
    public var id: Int
    /// Its status.
    public var status: WorkRequestStatus
    /// Its result (`.none` until completed).
    public var result: WorkRequestResult

    public init(id: Int, status: WorkRequestStatus, result: WorkRequestResult = .none) {
        self.id = id
        self.status = status
        self.result = result
    }

    /// `12 (running)`, `13 (completed: failure)`.
    public var description: String {
        result == .none ? "\(id) (\(status.rawValue))" : "\(id) (\(status.rawValue): \(result.rawValue))"
    }
}

/// Where a work request stands, from the point of view of "why is it not running".
public enum WorkRequestWaitState: Hashable, Sendable, CustomStringConvertible {
    /// BLOCKED and not being unblocked: waits for these dependencies (the ones not yet completed with a
    /// result that lets dependants run; a failed one means the abort cascade should reach it); an empty
    /// list means nothing is left and the scheduler's unblocking pass should pick it up.
    case blockedOnDependencies([DependencyStatus])
    /// BLOCKED with the `manual` unblock strategy: a workspace owner must accept it.
    case blockedUntilAccepted
    /// Being unblocked, waiting for the lookup-resolver (pending stage `requested`).
    case waitingForLookupResolver
    /// Being unblocked, waiting for the tag-computer (pending stage `inputs-resolved`).
    case waitingForTagComputer
    /// PENDING, no worker yet: the worker classes say why.
    case waitingForWorker
    /// PENDING, not a worker task: the scheduler runs it server-side.
    case waitingForServer
    /// PENDING and assigned: waiting for the worker to start it.
    case assigned(worker: String)
    /// RUNNING (on a worker, or server-side when `worker` is nil).
    case running(worker: String?)
    /// COMPLETED with this result.
    case completed(WorkRequestResult, errors: [String])
    /// ABORTED.
    case aborted(errors: [String])

    /// The state of `request`.
    public init(of request: DiagnosedWorkRequest) {
        switch (request.status, request.pendingStage) {
        case (_, .requested?): self = .waitingForLookupResolver
        case (_, .inputsResolved?): self = .waitingForTagComputer
        case (.blocked, nil) where request.unblockStrategy == .manual:
            self = .blockedUntilAccepted
        case (.blocked, nil):
            self = .blockedOnDependencies(
                request.dependencies.filter { !($0.status == .completed && $0.result.letsDependantsRun) }
            )
        case (.pending, nil):
            if let worker = request.workerName {
                self = .assigned(worker: worker)
            } else {
                self = request.taskType.dispatchWorkerType == nil ? .waitingForServer : .waitingForWorker
            }
        case (.running, nil): self = .running(worker: request.workerName)
        case (.completed, nil): self = .completed(request.result, errors: request.errors)
        case (.aborted, nil): self = .aborted(errors: request.errors)
        }
    }

    /// A short machine-readable name (`--json`).
    public var code: String {
        switch self {
        case .blockedOnDependencies: "blocked-on-dependencies"
        case .blockedUntilAccepted: "blocked-until-accepted"
        case .waitingForLookupResolver: "waiting-for-lookup-resolver"
        case .waitingForTagComputer: "waiting-for-tag-computer"
        case .waitingForWorker: "waiting-for-worker"
        case .waitingForServer: "waiting-for-server"
        case .assigned: "assigned"
        case .running: "running"
        case .completed: "completed"
        case .aborted: "aborted"
        }
    }

    public var description: String {
        switch self {
        case .blockedOnDependencies(let waiting) where waiting.isEmpty:
            return "blocked, but every dependency has completed: the scheduler should unblock it shortly"
        case .blockedOnDependencies(let waiting):
            return "blocked on dependencies: " + waiting.map(\.description).joined(separator: ", ")
        case .blockedUntilAccepted:
            return "blocked with the manual unblock strategy: waiting for a workspace owner to accept it"
        case .waitingForLookupResolver:
            return "being unblocked (pending-requested): waiting for the lookup-resolver to resolve its inputs"
        case .waitingForTagComputer:
            return
                "being unblocked (inputs-resolved): waiting for the tag-computer to configure it and compute its tags"
        case .waitingForWorker:
            return "pending: waiting for a worker"
        case .waitingForServer:
            return "pending: a server-side task, waiting for the scheduler to run it"
        case .assigned(let worker):
            return "assigned to worker \(worker), waiting for it to start"
        case .running(let worker):
            return worker.map { "running on worker \($0)" } ?? "running server-side"
        case .completed(let result, let errors):
            return "completed with result \(result.rawValue.isEmpty ? "(none)" : result.rawValue)"
                + (errors.isEmpty ? "" : ": " + errors.joined(separator: "; "))
        case .aborted(let errors):
            return "aborted" + (errors.isEmpty ? "" : ": " + errors.joined(separator: "; "))
        }
    }
}

/// What `WorkRequestDiagnosis` needs to know of one worker.
public struct DiagnosedWorker: Hashable, Sendable {
    /// Its id.
    public var id: Int
    /// Its name.
    public var name: String
    /// `false` until an admin enables it (or after disabling).
    public var enabled: Bool
    /// `true` while connected to the gateway.
    public var connected: Bool
    /// How many work requests it may hold at once.
    public var concurrency: Int
    /// How many PENDING/RUNNING work requests are assigned to it.
    public var currentLoad: Int
    /// Worker-provided tags (WP).
    public var providedTags: Set<String>
    /// Worker-required tags (WR).
    public var requiredTags: Set<String>
    /// `tasks_allowlist` / `tasks_denylist`.
    public var taskNameFilter: WorkerTaskNameFilter

    public init(
        id: Int,
        name: String,
        enabled: Bool = true,
        connected: Bool = true,
        concurrency: Int = 1,
        currentLoad: Int = 0,
        providedTags: some Sequence<String> = [String](),
        requiredTags: some Sequence<String> = [String](),
        taskNameFilter: WorkerTaskNameFilter = WorkerTaskNameFilter()
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.connected = connected
        self.concurrency = concurrency
        self.currentLoad = currentLoad
        self.providedTags = Set(providedTags)
        self.requiredTags = Set(requiredTags)
        self.taskNameFilter = taskNameFilter
    }

    /// Disabled wins over offline (enabling is the operator's first step), offline over busy.
    public var standing: WorkerStanding {
        if !enabled { return .disabled }
        if !connected { return .offline }
        return currentLoad >= concurrency ? .busy : .idle
    }
}

/// Whether a worker could take work now.
public enum WorkerStanding: String, Hashable, Sendable, CaseIterable {
    /// Enabled, connected, with a free slot.
    case idle
    /// Enabled and connected, every slot taken.
    case busy
    /// Enabled but not connected.
    case offline
    /// Not enabled (an admin must run `kiln worker enable`).
    case disabled
}

/// How many workers are in each `WorkerStanding`.
public struct WorkerStandingCounts: Hashable, Sendable, CustomStringConvertible {
    public var idle = 0
    public var busy = 0
    public var offline = 0
    public var disabled = 0

    public init(idle: Int = 0, busy: Int = 0, offline: Int = 0, disabled: Int = 0) {
        self.idle = idle
        self.busy = busy
        self.offline = offline
        self.disabled = disabled
    }

    /// Counts the workers.
    public init(_ workers: [DiagnosedWorker]) {
        for worker in workers {
            switch worker.standing {
            case .idle: idle += 1
            case .busy: busy += 1
            case .offline: offline += 1
            case .disabled: disabled += 1
            }
        }
    }

    /// All of them.
    public var total: Int { idle + busy + offline + disabled }

    /// `1 idle, 2 busy, 0 offline, 0 disabled`.
    public var description: String { "\(idle) idle, \(busy) busy, \(offline) offline, \(disabled) disabled" }

    public static func + (lhs: Self, rhs: Self) -> Self {
        Self(
            idle: lhs.idle + rhs.idle,
            busy: lhs.busy + rhs.busy,
            offline: lhs.offline + rhs.offline,
            disabled: lhs.disabled + rhs.disabled
        )
    }
}

/// One worker class seen from one work request: can its workers run it, and if not, why.
public struct WorkerClassDiagnosis: Hashable, Sendable {
    /// The class's provided tags (WP), sorted.
    public let providedTags: [String]
    /// The class's required tags (WR), sorted.
    public let requiredTags: [String]
    /// The class's task lists.
    public let taskNameFilter: WorkerTaskNameFilter
    /// Its workers, by name.
    public let workers: [DiagnosedWorker]
    /// Tags missing on either side (`TagMatching.explain`).
    public let tagMismatch: TagMismatch
    /// Set when the task lists refuse the task name.
    public let taskNameRejection: TaskNameRejection?

    /// `true` when the class's workers may run the work request.
    public var canRun: Bool { tagMismatch.isMatch && taskNameRejection == nil }

    /// The workers' names.
    public var workerNames: [String] { workers.map(\.name) }

    /// How its workers stand.
    public var standing: WorkerStandingCounts { WorkerStandingCounts(workers) }

    /// How many things stand between it and a match (for `closestClass`).
    public var distance: Int {
        tagMismatch.tagsWorkerLacks.count + tagMismatch.tagsTaskLacks.count + (taskNameRejection == nil ? 0 : 1)
    }

    /// Why it cannot run the work request, one phrase per cause (empty when it can).
    public var reasons: [String] {
        var reasons: [String] = []
        if !tagMismatch.tagsWorkerLacks.isEmpty {
            reasons.append("it lacks required tags: " + tagMismatch.tagsWorkerLacks.joined(separator: ", "))
        }
        if !tagMismatch.tagsTaskLacks.isEmpty {
            reasons.append(
                "it requires tags the task does not provide: " + tagMismatch.tagsTaskLacks.joined(separator: ", ")
            )
        }
        switch taskNameRejection {
        case .notInAllowlist?:
            reasons.append(
                "its tasks_allowlist (\((taskNameFilter.allowlist ?? []).sorted().joined(separator: ", "))) "
                    + "does not include the task"
            )
        case .denylisted?:
            reasons.append("its tasks_denylist includes the task")
        case nil:
            break
        }
        return reasons
    }
}

/// Workers fall into one class when the scheduler cannot tell them apart: same tag sets, same task lists.
struct DiagnosisClassKey: Hashable {
    let providedTags: Set<String>
    let requiredTags: Set<String>
    let taskNameFilter: WorkerTaskNameFilter

    init(_ worker: DiagnosedWorker) {
        providedTags = worker.providedTags
        requiredTags = worker.requiredTags
        taskNameFilter = worker.taskNameFilter
    }
}
