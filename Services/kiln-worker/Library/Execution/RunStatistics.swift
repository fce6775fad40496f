import Foundation
import KilnCore
import Synchronization

/// The part of a run its time counts towards, as the stages of Debusine's `BaseExternalTask._execute`
/// (`tasks/_task.py`): fetching inputs and preparing the environment are `setup`, the task's own tool is `run`,
/// checking and uploading what it produced is `teardown`.
public enum RunPhase: Sendable, CaseIterable {
    case setup, run, teardown

    /// The `runtime_statistics` key of the phase's duration.
    var key: String {
        switch self {
        case .setup: "duration_setup"
        case .run: "duration_run"
        case .teardown: "duration_teardown"
        }
    }
}

/// One look at the host while a task runs (Debusine's `ExecutorStatistics`, as its unshare executor's
/// `get_statistics` fills it): RAM in use and in total, the CPU count, and the disk used by the unpacked
/// environment and the size of the filesystem holding it, when one is unpacked.
public struct HostSample: Sendable, Equatable {
    /// Bytes used on the filesystem holding the unpacked environment.
    public var diskSpace: Int?
    /// Bytes of RAM in use (psutil's `used`: total − free − buffers − page cache).
    public var memory: Int?
    /// The size in bytes of the filesystem holding the unpacked environment (Debusine's `available_disk_space`
    /// is that filesystem's total size).
    public var availableDiskSpace: Int?
    /// Bytes of RAM in total.
    public var availableMemory: Int?
    /// Online CPU cores.
    public var cpuCount: Int?

    /// Memberwise.
    public init(
        diskSpace: Int? = nil, memory: Int? = nil, availableDiskSpace: Int? = nil, availableMemory: Int? = nil,
        cpuCount: Int? = nil
    ) {
        self.diskSpace = diskSpace
        self.memory = memory
        self.availableDiskSpace = availableDiskSpace
        self.availableMemory = availableMemory
        self.cpuCount = cpuCount
    }
}

/// What one run reports in `output_data.runtime_statistics`, gathered as Debusine's worker does
/// (`worker/task_runner.py` `CollectStatistics`): the whole duration, the time of each phase, the CPU time the
/// host spent meanwhile (user and system, all cores: Debusine assumes a worker runs one task at a time), and
/// for a task with an environment the high-water marks of RAM and disk use seen every ``samplingInterval`` and as
/// the task's tool finishes (``TaskRunContext/runMain(_:)``).
/// Seconds are rounded as Python's `round` (half to even), so a run shorter than half a second reports 0.
public final class RunStatistics: Sendable {
    /// How often the host is looked at (Debusine's polling interval).
    public static let samplingInterval: Duration = .seconds(10)

    private struct State {
        var phase: RunPhase?
        var phaseStarted: ContinuousClock.Instant
        var durations: [RunPhase: Duration] = [:]
        var highWater = HostSample()
        var instanceRoot: URL?
    }

    private let now: @Sendable () -> ContinuousClock.Instant
    private let cpuSeconds: @Sendable () -> Double?
    private let started: ContinuousClock.Instant
    private let startCPUSeconds: Double?
    private let state: Mutex<State>
    /// Whether the host is sampled: only for tasks run in an environment (Debusine gathers from the task's
    /// executor, which only such tasks have).
    public let samplesHost: Bool

    /// Starts counting now, in the `setup` phase.
    public convenience init(samplesHost: Bool) {
        self.init(samplesHost: samplesHost, now: { ContinuousClock.now }, cpuSeconds: { HostUsage.cpuSeconds() })
    }

    /// Starts counting at `now()`, reading the time and the host's CPU seconds from the given functions (tests
    /// pass fixed ones).
    init(
        samplesHost: Bool, now: @escaping @Sendable () -> ContinuousClock.Instant,
        cpuSeconds: @escaping @Sendable () -> Double?
    ) {
        self.samplesHost = samplesHost
        self.now = now
        self.cpuSeconds = cpuSeconds
        started = now()
        startCPUSeconds = cpuSeconds()
        state = Mutex(State(phase: .setup, phaseStarted: started))
    }

    /// From now on time counts towards `phase`; nil stops counting (the task log's upload is in no phase).
    public func enter(_ phase: RunPhase?) {
        let now = now()
        state.withLock {
            if let current = $0.phase { $0.durations[current, default: .zero] += now - $0.phaseStarted }
            $0.phase = phase
            $0.phaseStarted = now
        }
    }

    /// The unpacked environment whose disk use is sampled (nil once removed).
    public func setInstanceRoot(_ root: URL?) {
        state.withLock { $0.instanceRoot = root }
    }

    /// Folds `sample` in as Debusine's `ExecutorStatistics.add_to`: disk and RAM use keep their highest value,
    /// the sizes and the CPU count the first one seen.
    public func add(_ sample: HostSample) {
        state.withLock {
            $0.highWater.diskSpace = Self.highest($0.highWater.diskSpace, sample.diskSpace)
            $0.highWater.memory = Self.highest($0.highWater.memory, sample.memory)
            $0.highWater.availableDiskSpace = $0.highWater.availableDiskSpace ?? sample.availableDiskSpace
            $0.highWater.availableMemory = $0.highWater.availableMemory ?? sample.availableMemory
            $0.highWater.cpuCount = $0.highWater.cpuCount ?? sample.cpuCount
        }
    }

    /// Looks at the host now (when ``samplesHost``) and folds the sample in.
    public func sampleHost() {
        guard samplesHost else { return }
        add(HostUsage.sample(instanceRoot: state.withLock { $0.instanceRoot }))
    }

    /// Samples the host every ``samplingInterval`` until cancelled.
    public func sampleUntilCancelled(every interval: Duration = samplingInterval) async {
        guard samplesHost else { return }
        while (try? await Task.sleep(for: interval)) != nil {
            sampleHost()
        }
    }

    /// The `runtime_statistics` object, as of now (the current phase counted up to now).
    public func report() -> JSONValue {
        let now = now()
        let (durations, sample) = state.withLock { state in
            var durations = state.durations
            if let current = state.phase { durations[current, default: .zero] += now - state.phaseStarted }
            return (durations, state.highWater)
        }
        var object: [String: JSONValue] = ["duration": .int(Self.pythonRound(now - started))]
        for phase in RunPhase.allCases {
            object[phase.key] = .int(Self.pythonRound(durations[phase] ?? .zero))
        }
        if let start = startCPUSeconds, let end = cpuSeconds() {
            object["cpu_time"] = .int(Int((max(0, end - start)).rounded(.toNearestOrEven)))
        }
        let sampled: [(String, Int?)] = [
            ("disk_space", sample.diskSpace), ("memory", sample.memory),
            ("available_disk_space", sample.availableDiskSpace), ("available_memory", sample.availableMemory),
            ("cpu_count", sample.cpuCount),
        ]
        for (key, value) in sampled { if let value { object[key] = .int(value) } }
        return .object(object)
    }

    /// Whole seconds as Python's `round(float)`: to nearest, ties to even.
    static func pythonRound(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int((Double(seconds) + Double(attoseconds) / 1e18).rounded(.toNearestOrEven))
    }

    private static func highest(_ current: Int?, _ new: Int?) -> Int? {
        guard let new else { return current }
        return max(current ?? new, new)
    }
}
