/// The tag vocabularies ("ontologies") of Debusine's `worker/tags.py` and `tasks/tags.py`, built in one place so that a
/// task's required tags and a worker's provided tags are spelled identically on both sides of the `TR ⊆ WP` test.
public enum TagOntology {
    /// Prefix of worker build-architecture tags (`worker:build-arch:amd64`).
    public static let buildArchPrefix = "worker:build-arch:"
    /// Prefix of worker capability tags (`worker:cap:sbuild`).
    public static let capabilityPrefix = "worker:cap:"
    /// Prefix of administrator-assigned worker classes (`worker:class:large`); admin provenance only.
    public static let workerClassPrefix = "worker:class:"
    /// Prefix of executor-backend tags (`worker:executor:unshare`).
    public static let executorPrefix = "worker:executor:"
    /// Prefix of task-implementation tags (`worker:task:worker:sbuild:version:1`).
    public static let workerTaskPrefix = "worker:task:"
    /// Prefix of worker-type tags (`worker:type:external`); system provenance only.
    public static let workerTypePrefix = "worker:type:"
    /// Prefix of the scope a work request runs in (`task:scope:debian`); system provenance only.
    public static let taskScopePrefix = "task:scope:"
    /// Prefix of the workspace a work request runs in (`task:workspace:debian:developers`); system only.
    public static let taskWorkspacePrefix = "task:workspace:"
    /// Prefix of the creator's groups (`task:group:debian::Debian`); system provenance only.
    public static let taskGroupPrefix = "task:group:"
    /// Prefix of the main input's source package (`task:source-package:hello`); system provenance only.
    public static let taskSourcePackagePrefix = "task:source-package:"

    /// Required by tasks no worker ever runs (Internal, Workflow, Wait); never provided by any worker.
    public static let notAssignable = "worker:type:not-assignable"

    /// `worker:build-arch:<arch>`.
    public static func buildArch(_ architecture: String) -> String { buildArchPrefix + architecture }
    /// `worker:cap:<name>`.
    public static func capability(_ name: String) -> String { capabilityPrefix + name }
    /// `worker:class:<name>`.
    public static func workerClass(_ name: String) -> String { workerClassPrefix + name }
    /// `worker:executor:<backend>`.
    public static func executor(_ backend: String) -> String { executorPrefix + backend }
    /// `worker:type:<worker type>` (the code's values: external, celery, signing, scheduler).
    public static func workerType(_ type: WorkerType) -> String { workerTypePrefix + type.rawValue }
    /// `worker:task:<task type lowercased>:<task name>:version:<version>`: a worker provides it for each
    /// task class it has, a task requires it, so version skew prevents a match (Debusine `db/tasks/base.py`
    /// `DBTask.compute_scheduler_tags`).
    public static func workerTask(type: TaskType, name: String, version: Int) -> String {
        "\(workerTaskPrefix)\(type.rawValue.lowercased()):\(name.lowercased()):version:\(version)"
    }
    /// `task:scope:<scope>`.
    public static func taskScope(_ scope: String) -> String { taskScopePrefix + scope }
    /// `task:workspace:<scope>:<workspace>`.
    public static func taskWorkspace(scope: String, workspace: String) -> String {
        "\(taskWorkspacePrefix)\(scope):\(workspace)"
    }
    /// `task:group:<scope>:<workspace or "">:<group>`; a scope-level group has an empty workspace part.
    public static func taskGroup(scope: String, workspace: String?, group: String) -> String {
        "\(taskGroupPrefix)\(scope):\(workspace ?? ""):\(group)"
    }
    /// `task:source-package:<name>`.
    public static func taskSourcePackage(_ name: String) -> String { taskSourcePackagePrefix + name }
}
