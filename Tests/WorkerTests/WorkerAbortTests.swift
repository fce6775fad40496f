import AMQP
import Foundation
import KilnCore
import KilnTasks
import KilnTestSupport
import KilnWorker
import Testing

/// How long a test sleep task sleeps, and its registry name.
protocol TestSleepLength: Sendable {
    static var taskName: String { get }
    static var duration: Duration { get }
}

/// A task that sleeps and succeeds — registered only in these tests' registries (the shipped worker has no
/// such task, and Debusine's noop has no sleep field), to observe a running assignment, its abort and a drain.
struct TestSleepTask<Length: TestSleepLength>: ExternalTask {
    struct TaskData: Hashable, Sendable {}
    static var taskName: String { Length.taskName }
    static var taskType: TaskType { .worker }
    static var taskVersion: Int { 1 }
    static var inputFields: [InputField] { [] }
    let data: TaskData
    let inputs: ResolvedInputs

    init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData { TaskData() }
    func getSubject() throws -> String? { nil }

    func execute(in context: some TaskExecutionContext) async throws -> TaskOutcome {
        try await Task.sleep(for: Length.duration)
        return .success
    }
}

/// Runs until aborted (ten minutes).
enum UntilAborted: TestSleepLength {
    static let taskName = "test-sleeper"
    static let duration = Duration.seconds(600)
}

/// Long enough to be running when a shutdown starts.
enum TwoSeconds: TestSleepLength {
    static let taskName = "test-nap"
    static let duration = Duration.seconds(2)
}

typealias TestSleeperTask = TestSleepTask<UntilAborted>
typealias TestNapTask = TestSleepTask<TwoSeconds>

/// An in-process worker with `Task` in its registry, welcomed by a fake gateway, and sent one assignment of it.
func runningAssignment<Length>(
    _ task: TestSleepTask<Length>.Type, workRequestID: Int, epoch: Int
) async throws -> (FakeGateway, InProcessWorker, WorkerHello) {
    var registry = try KilnTasks.registry()
    try registry.register(external: task)
    let gateway = try await FakeGateway()
    let worker = try await InProcessWorker(gateway: gateway, registry: registry)
    let hello = try MessageCodec.decode(
        WorkerHello.self, from: try #require(await gateway.received.wait(for: .hello).first).body)
    try await gateway.send(
        GatewayWelcome(workerID: 3, workerName: "w", heartbeatSeconds: 1, leaseSeconds: 5, session: hello.session),
        kind: .welcome, to: hello.queue)
    try await gateway.send(
        WorkAssignment(
            workRequestID: workRequestID, epoch: epoch, taskType: .worker, taskName: Length.taskName,
            taskData: .object([:]), dynamicTaskData: .object(["task_input_fields": .object([:])]), workspace: "System",
            scope: "debusine"),
        kind: .assignment, to: hello.queue)
    return (gateway, worker, hello)
}

@Suite("kiln-worker shutdown", .timeLimit(.minutes(1)))
struct WorkerDrainTests {
    @Test("a graceful shutdown (SIGTERM) lets the running assignment finish and its result reach the gateway before the worker stops")
    func drainFinishesRunningAssignment() async throws {
        let (gateway, worker, _) = try await runningAssignment(TestNapTask.self, workRequestID: 21, epoch: 1)
        #expect(await eventually { !(await worker.agent.isIdle) }, "the assignment never started")
        // The shutdown starts while the nap runs; it returns only once the result is confirmed by the broker.
        await worker.stop()
        #expect(await eventually { !(try await gateway.received.results(for: 21)).isEmpty })
        let results = try await gateway.received.results(for: 21)
        #expect(results.map(\.result) == ["success"], "\(results)")
        await gateway.close()
    }
}

@Suite("kiln-worker abort of a running assignment", .timeLimit(.minutes(1)))
struct WorkerAbortTests {
    @Test("heartbeats list the running assignment with its epoch; an abort with another epoch is ignored; the matching abort cancels it and nothing is reported (Debusine `Worker.report_task_result`)")
    func abortRunningAssignment() async throws {
        let (gateway, worker, hello) = try await runningAssignment(TestSleeperTask.self, workRequestID: 20, epoch: 4)

        func runningInLatestHeartbeat(after count: Int) async throws -> [RunningAssignment] {
            let beats = await gateway.received.wait(for: .heartbeat, count: count + 1)
            return try MessageCodec.decode(WorkerHeartbeat.self, from: try #require(beats.last).body).running
        }
        // Heartbeats are sent every second; wait for one that shows the assignment.
        var seen = await gateway.received.all(.heartbeat).count
        var running = try await runningInLatestHeartbeat(after: seen)
        while running.isEmpty, seen < 6 {
            seen += 1
            running = try await runningInLatestHeartbeat(after: seen)
        }
        #expect(running == [RunningAssignment(workRequestID: 20, epoch: 4)])

        // An abort for an older epoch is not for this run.
        try await gateway.send(AbortCommand(workRequestID: 20, epoch: 3, reason: "stale"), kind: .abort, to: hello.queue)
        seen = await gateway.received.all(.heartbeat).count
        #expect(try await runningInLatestHeartbeat(after: seen) == [RunningAssignment(workRequestID: 20, epoch: 4)])

        try await gateway.send(AbortCommand(workRequestID: 20, epoch: 4, reason: "aborted by user"), kind: .abort, to: hello.queue)
        seen = await gateway.received.all(.heartbeat).count
        #expect(try await runningInLatestHeartbeat(after: seen).isEmpty)
        #expect(await worker.agent.isIdle)
        #expect(try await gateway.received.results(for: 20).isEmpty)

        await worker.stop()
        await gateway.close()
    }
}
