import Foundation
import KilnCore
import Synchronization
import Testing

@testable import KilnWorker

/// A run's `runtime_statistics`, as Debusine's worker gathers them (`worker/task_runner.py` `CollectStatistics`,
/// `tasks/executors/base.py` `ExecutorStatistics.add_to`, `artifacts/models.py` `RuntimeStatistics`).
struct RunStatisticsTests {
    @Test("seconds are rounded as Python's round(): to nearest, ties to even")
    func pythonRounding() {
        #expect(RunStatistics.pythonRound(.milliseconds(499)) == 0)
        #expect(RunStatistics.pythonRound(.milliseconds(500)) == 0)
        #expect(RunStatistics.pythonRound(.milliseconds(501)) == 1)
        #expect(RunStatistics.pythonRound(.milliseconds(1500)) == 2)
        #expect(RunStatistics.pythonRound(.milliseconds(2500)) == 2)
        #expect(RunStatistics.pythonRound(.seconds(3600)) == 3600)
    }

    @Test("a run without an environment reports its duration, its three phases and the host's CPU time, nothing else")
    func keysWithoutEnvironment() throws {
        let statistics = RunStatistics(samplesHost: false)
        statistics.enter(.run)
        statistics.enter(.teardown)
        statistics.sampleHost()  // not sampled: no environment, as Debusine gathers only from an executor
        let report = try #require(statistics.report().objectValue)
        #expect(Set(report.keys) == ["duration", "duration_setup", "duration_run", "duration_teardown", "cpu_time"])
        #expect(report.values.allSatisfy { ($0.intValue ?? -1) >= 0 })
    }

    @Test("time counts towards the phase entered last; leaving every phase stops it; CPU time is the host's difference")
    func phases() throws {
        let clock = Mutex(ContinuousClock.now)
        let cpu = Mutex(100.0)
        func advance(_ seconds: Double) { clock.withLock { $0 = $0.advanced(by: .milliseconds(Int(seconds * 1000))) } }
        let statistics = RunStatistics(
            samplesHost: false, now: { clock.withLock { $0 } }, cpuSeconds: { cpu.withLock { $0 } })
        advance(3.2)  // setup: fetching
        statistics.enter(.run)
        advance(10.5)  // run: the tool (10.5 rounds to 10, half to even)
        cpu.withLock { $0 += 7.6 }
        statistics.enter(.teardown)
        advance(1.6)  // teardown: uploads
        statistics.enter(.run)  // a second tool run adds to run
        advance(2.0)
        statistics.enter(nil)  // the task log's upload counts in no phase, only in the whole duration
        advance(4.0)
        let report = try #require(statistics.report().objectValue)
        #expect(report["duration_setup"] == .int(3))
        #expect(report["duration_run"] == .int(12))
        #expect(report["duration_teardown"] == .int(2))
        #expect(report["duration"] == .int(21))  // 21.3
        #expect(report["cpu_time"] == .int(8))
    }

    @Test("RAM and disk use keep their highest value; sizes and the CPU count keep the first (add_to)")
    func highWaterMarks() throws {
        let statistics = RunStatistics(samplesHost: true)
        statistics.add(HostSample(diskSpace: 10, memory: 300, availableDiskSpace: 1000, availableMemory: 4000, cpuCount: 2))
        statistics.add(HostSample(diskSpace: 50, memory: 100, availableDiskSpace: 2000, availableMemory: 8000, cpuCount: 4))
        statistics.add(HostSample(memory: 200))
        let report = try #require(statistics.report().objectValue)
        #expect(report["disk_space"] == .int(50))
        #expect(report["memory"] == .int(300))
        #expect(report["available_disk_space"] == .int(1000))
        #expect(report["available_memory"] == .int(4000))
        #expect(report["cpu_count"] == .int(2))
    }

    @Test("a task in an environment samples this host: RAM always, disk while the environment is unpacked")
    func samplesThisHost() throws {
        let statistics = RunStatistics(samplesHost: true)
        statistics.sampleHost()
        var report = try #require(statistics.report().objectValue)
        #expect((report["memory"]?.intValue ?? 0) > 0)
        #expect((report["available_memory"]?.intValue ?? 0) >= (report["memory"]?.intValue ?? .max))
        #expect(report["cpu_count"] == .int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #expect(report["disk_space"] == nil)
        statistics.setInstanceRoot(FileManager.default.temporaryDirectory)
        statistics.sampleHost()
        report = try #require(statistics.report().objectValue)
        #expect((report["disk_space"]?.intValue ?? 0) > 0)
        #expect((report["available_disk_space"]?.intValue ?? 0) >= (report["disk_space"]?.intValue ?? .max))
    }

    @Test("the sampler looks at the host until it is cancelled")
    func sampler() async throws {
        let statistics = RunStatistics(samplesHost: true)
        let sampler = Task { await statistics.sampleUntilCancelled(every: .milliseconds(20)) }
        defer { sampler.cancel() }
        let deadline = ContinuousClock.now + .seconds(60)
        while statistics.report().objectValue?["memory"] == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(statistics.report().objectValue?["memory"] != nil)
    }

    @Test("psutil's figures from /proc: user + system CPU seconds; used RAM = total − free − buffers − cache")
    func procParsing() throws {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpu = try #require(HostUsage.cpuSeconds(procStat: "cpu  400 7 100 9000 3 0 1 0 0 0\ncpu0 200 3 50 4500 1 0 0 0 0 0\n"))
        #expect(cpu == 500 / ticks)
        #expect(HostUsage.cpuSeconds(procStat: "intr 1 2 3\n") == nil)
        let meminfo = """
            MemTotal:       16000 kB
            MemFree:         4000 kB
            MemAvailable:    9000 kB
            Buffers:         1000 kB
            Cached:          2500 kB
            SReclaimable:     500 kB
            """
        let memory = try #require(HostUsage.memory(meminfo: meminfo))
        #expect(memory.used == (16000 - 4000 - 1000 - 2500 - 500) * 1024)
        #expect(memory.total == 16000 * 1024)
        // Negative "used" falls back to total − free, as psutil.
        let odd = try #require(HostUsage.memory(meminfo: "MemTotal: 100 kB\nMemFree: 10 kB\nCached: 200 kB\n"))
        #expect(odd.used == 90 * 1024)
        #expect(HostUsage.memory(meminfo: "MemFree: 1 kB\n") == nil)
    }
}
