/// An external task that can only run where a given command is installed (`sbuild`, `autopkgtest`,
/// `mmdebstrap`, `debsign`…).
///
/// Such a task both advertises and requires one `worker:cap:` tag: a worker provides it only when the
/// command is really on its host, and every work request of the task requires it (Debusine `tasks/sbuild.py`
/// `Sbuild.get_provided_worker_tags` and `Sbuild.compute_scheduler_tags`), so a work request never reaches a worker
/// that would fail for want of the tool. Conforming gives both sides from one declaration, so they cannot drift apart.
public protocol HostToolTask: ExternalTask {
    /// The command looked up on the worker host (`WorkerHostCapabilities.has(_:)`).
    static var requiredHostCommand: String { get }
    /// The capability named in the tag, `worker:cap:<hostCapability>`; by default the command itself.
    static var hostCapability: String { get }
}

extension HostToolTask {
    /// The command's name: Kiln's tasks name their capability after the tool.
    public static var hostCapability: String { requiredHostCommand }

    /// `worker:cap:<hostCapability>`.
    public static var hostCapabilityTag: String { TagOntology.capability(hostCapability) }

    /// `worker:task:…`, plus the capability tag only where the command exists.
    public static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String> {
        var tags = baseProvidedWorkerTags()
        if host.has(requiredHostCommand) { tags.insert(hostCapabilityTag) }
        return tags
    }

    /// The capability tag: the worker must really have the tool.
    public func computeSystemRequiredTags() throws -> Set<String> { [Self.hostCapabilityTag] }
}
