import Foundation

/// How much of the host is in use, for a run's `runtime_statistics`: what Debusine's worker asks psutil
/// (`worker/system_information.py` `cpu_time`, the unshare executor's `get_statistics`), read from `/proc`
/// and `statvfs` directly. Every reader answers nil where the host does not tell.
enum HostUsage {
    /// CPU seconds the whole host has spent in user and system mode since boot (`/proc/stat`'s `cpu` line,
    /// in clock ticks), as psutil's `cpu_times().user + .system`.
    static func cpuSeconds(procStat: String? = try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) -> Double? {
        guard let line = procStat?.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard fields.count >= 3, ticks > 0 else { return nil }
        return (fields[0] + fields[2]) / ticks
    }

    /// RAM in use and in total from `/proc/meminfo`, in bytes, as psutil's `virtual_memory()`: used is
    /// total − free − buffers − cached (cached counting reclaimable slab), or total − free when that is negative.
    static func memory(meminfo: String? = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) -> (used: Int, total: Int)? {
        guard let meminfo else { return nil }
        var kibibytes: [Substring: Int] = [:]
        for line in meminfo.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let value = Int(parts[1]) { kibibytes[parts[0].dropLast()] = value }
        }
        guard let total = kibibytes["MemTotal"], let free = kibibytes["MemFree"] else { return nil }
        let cached = (kibibytes["Cached"] ?? 0) + (kibibytes["SReclaimable"] ?? 0)
        var used = total - free - cached - (kibibytes["Buffers"] ?? 0)
        if used < 0 { used = total - free }
        return (used * 1024, total * 1024)
    }

    /// Bytes used on, and the size of, the filesystem holding `url`, as Debusine's unshare executor reads
    /// its instance root (`(f_blocks − f_bfree) × f_frsize`, `f_blocks × f_frsize`).
    static func disk(at url: URL) -> (used: Int, size: Int)? {
        var stats = statvfs()
        guard statvfs(url.path, &stats) == 0 else { return nil }
        let blockSize = Int(stats.f_frsize)
        return ((Int(stats.f_blocks) - Int(stats.f_bfree)) * blockSize, Int(stats.f_blocks) * blockSize)
    }

    /// The CPUs online, as psutil's `cpu_count()` counts them (all of the host's, whatever a cgroup quota or
    /// the process's affinity allows it).
    static func onlineCPUs() -> Int? {
        let count = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return count > 0 ? count : nil
    }

    /// One sample of the host; disk figures only while an environment is unpacked at `instanceRoot`.
    static func sample(instanceRoot: URL?) -> HostSample {
        var sample = HostSample(cpuCount: onlineCPUs())
        if let memory = memory() {
            sample.memory = memory.used
            sample.availableMemory = memory.total
        }
        if let instanceRoot, let disk = disk(at: instanceRoot) {
            sample.diskSpace = disk.used
            sample.availableDiskSpace = disk.size
        }
        return sample
    }
}
