import KilnCore

/// What the worker found out about its host, the input of the dynamic metadata. A plain value so the
/// metadata and tag computation can be tested with any host (with and without sbuild, …).
public struct HostFacts: Sendable, Hashable {
    /// Logical CPUs.
    public var cpuCount: Int
    /// Bytes of physical memory.
    public var totalPhysicalMemory: UInt64
    /// `dpkg --print-architecture`.
    public var nativeArchitecture: String
    /// Every architecture the host can build for (`arch-test -n`, else just the native one), native first.
    public var architectures: [String]
    /// Installed commands and available executor backends.
    public var capabilities: WorkerHostCapabilities

    public init(
        cpuCount: Int, totalPhysicalMemory: UInt64, nativeArchitecture: String, architectures: [String],
        capabilities: WorkerHostCapabilities
    ) {
        self.cpuCount = cpuCount
        self.totalPhysicalMemory = totalPhysicalMemory
        self.nativeArchitecture = nativeArchitecture
        self.architectures = architectures
        self.capabilities = capabilities
    }
}
