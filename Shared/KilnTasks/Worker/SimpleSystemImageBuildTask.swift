import KilnCore

/// `simplesystemimagebuild` (Worker): builds a bootable disk image with `debefivm-create` (Debusine
/// `tasks/simplesystemimagebuild.py` `SimpleSystemImageBuild`).
///
/// A SystemBootstrap task like `mmdebstrap`, so it shares its subject, context, tags and dynamic data
/// (`test_simplesystemimagebuild.py` `test_compute_scheduler_tags`, `test_compute_dynamic_data`, `test_get_subject`),
/// and requires `worker:cap:mmdebstrap`. Registered for scheduling, configuration and tags; `kiln-worker` has no
/// runner for it yet, so no worker advertises it (deploy/docs/fidelity.md).
public struct SimpleSystemImageBuildTask: SystemBootstrapTask {
    /// One partition (Debusine's `Partition`).
    public struct Partition: Hashable, Sendable {
        /// `size` in GiB (the first partition's is `--rootsize`).
        public var size: Int
        /// `filesystem`.
        public var filesystem: String
        /// `mountpoint` (default `none`).
        public var mountpoint: String
    }

    /// `disk_image` (Debusine's `DiskImage`).
    public struct DiskImage: Hashable, Sendable {
        /// `format`: `raw` or `qcow2`.
        public var format: String
        /// `filename` (default `image`).
        public var filename: String
        /// `kernel_package`, if given.
        public var kernelPackage: String?
        /// `bootloader`, if given.
        public var bootloader: String?
        /// `partitions`: at least one.
        public var partitions: [Partition]
    }

    /// `simplesystemimagebuild` task data (Debusine's `SystemImageBuildData`).
    public struct TaskData: Hashable, Sendable {
        /// `bootstrap_options` (with debootstrap's variants), `bootstrap_repositories`, `customization_script`.
        public var bootstrap: SystemBootstrapData
        /// `disk_image`.
        public var diskImage: DiskImage
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `simplesystemimagebuild` task.
    public static let taskName = "simplesystemimagebuild"
    /// Worker: runs on an external worker's host.
    public static let taskType = TaskType.worker

    /// The validated data.
    public let data: TaskData
    /// The input fields, resolved server side or restored on the worker.
    public let inputs: ResolvedInputs

    /// The shared SystemBootstrap data.
    public var bootstrap: SystemBootstrapData { data.bootstrap }

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Checks every option against Debusine's `SystemImageBuildData` rules, so bad data fails at submission.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let bootstrap = try SystemBootstrapData.read(from: &reader, variants: SystemBootstrapData.debootstrapVariants)
        guard var image = try reader.object("disk_image") else { throw .missingField("disk_image") }
        let format = try image.string("format")
        guard let list = image.raw("partitions") else { throw .missingField(image.fieldName("partitions")) }
        guard let elements = list.arrayValue else {
            throw .wrongType(field: image.fieldName("partitions"), expected: "a list of partitions", found: list)
        }
        var partitions: [Partition] = []
        for (index, element) in elements.enumerated() {
            var partition = try TaskDataReader(element, path: "\(image.fieldName("partitions"))[\(index)]")
            guard let size = try partition.optionalInt("size") else {
                throw .missingField(partition.fieldName("size"))
            }
            partitions.append(
                Partition(
                    size: size, filesystem: try partition.string("filesystem"),
                    mountpoint: try partition.optionalString("mountpoint") ?? "none"))
            try partition.finish()
        }
        let diskImage = DiskImage(
            format: format, filename: try image.optionalString("filename") ?? "image",
            kernelPackage: try image.optionalString("kernel_package"), bootloader: try image.optionalString("bootloader"),
            partitions: partitions)
        try image.finish()
        let data = TaskData(bootstrap: bootstrap, diskImage: diskImage, taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }
}
