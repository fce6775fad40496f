import Foundation
import KilnTestSupport
import Testing

@Suite("worker-gateway: configuration errors stop it at start")
struct ConfigurationTests {
    @Test("a bad gateway setting exits 78 with a line naming the variable", arguments: [
        ("KILN_WORKER_HEARTBEAT", "soon"),
        ("KILN_LEASE_DURATION", "1s"),
        ("KILN_WORKER_SILENCE", "0s"),
        ("KILN_WORKER_MESSAGE_MAX_BYTES", "12"),
    ])
    func badSetting(variable: String, value: String) throws {
        let process = Process()
        process.executableURL = TestServers.builtExecutable("worker-gateway")
        var environment = ProcessInfo.processInfo.environment
        environment[variable] = value
        // Unreachable servers: the setting must be refused before any connection is tried.
        environment["KILN_AMQP_URL"] = "amqp://kiln:kiln@127.0.0.1:1/none"
        environment["KILN_POSTGRES_URL"] = "postgresql://kiln:kiln@127.0.0.1:1/none"
        environment["KILN_STARTUP_TIMEOUT"] = "1s"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78, "\(text)")
        #expect(text.contains(variable), "\(text)")
    }
}
