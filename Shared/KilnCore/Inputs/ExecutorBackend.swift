/// The executor backends a task can ask for (the `worker:executor:` tags of Debusine `worker/tags.py`), which also
/// decide the environment image format an environment lookup filters on (Debusine `db/models/work_requests.py`
/// `WorkRequest.lookup_environment`).
public enum ExecutorBackend: String, CaseIterable, Hashable, Sendable, Codable {
    /// Let the task pick its default (`unshare`); never a tag, never passed to a lookup.
    case auto
    /// Unprivileged user-namespace containers from a system tarball.
    case unshare
    /// Incus system containers.
    case incusLXC = "incus-lxc"
    /// Incus virtual machines.
    case incusVM = "incus-vm"
    /// Plain QEMU virtual machines.
    case qemu

    /// The backend actually used: `auto` becomes the executor tasks' default, `unshare` (Debusine `tasks/_task.py`
    /// `BaseTaskWithExecutor.backend`).
    public var effective: ExecutorBackend { self == .auto ? .unshare : self }

    /// The environment `format` the backend needs: `tarball` for containers, `image` for VMs.
    public var imageFormat: String {
        switch effective {
        case .auto, .unshare, .incusLXC: "tarball"
        case .incusVM, .qemu: "image"
        }
    }

    /// Reads a backend name; an unknown name is an error listing the valid ones.
    public init(name: String, field: String) throws(TaskInputError) {
        guard let backend = ExecutorBackend(rawValue: name) else {
            throw .invalidValue(
                field: field,
                value: .string(name),
                reason: "not one of \(ExecutorBackend.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self = backend
    }
}
