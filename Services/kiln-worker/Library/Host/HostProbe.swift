import Foundation
import KilnCore

/// Detects the real host: commands on `PATH`, executor backends that work, architectures, CPUs and memory.
///
/// Only what is really there is reported, because every capability becomes a provided tag and attracts work
/// (a `worker:cap:sbuild` on a host without sbuild would make every build it gets fail).
public enum HostProbe {
    /// The commands task classes ask about in `getProvidedWorkerTags(host:)` and the probe itself uses.
    public static let commandsOfInterest: [String] = [
        "sbuild", "autopkgtest", "mmdebstrap", "lintian", "debsign", "sbsign", "unshare", "arch-test", "dpkg",
    ]

    /// Probes the host. `architectureOverride` replaces detection (KILN_WORKER_ARCHITECTURES). `knownExecutors`
    /// (a later probe of a running worker) skips the executors' active check, which builds and enters a root
    /// in a temporary folder: an executor found working at start stays while its command is installed, so a
    /// passing hitch (a full temporary folder during a build) does not untag the worker for an interval.
    ///
    /// - Throws: `HostProbeError` when the native architecture cannot be found (no dpkg and no override).
    public static func probe(
        architectureOverride: [String]?, knownExecutors: Set<ExecutorBackend>? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(HostProbeError) -> HostFacts {
        let path = environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        var installed: [String: String] = [:]
        for command in commandsOfInterest {
            if let location = find(command, path: path) { installed[command] = location }
        }
        var executors: Set<ExecutorBackend> = []
        // unshare: the command exists AND this user may enter a user namespace mapping its subordinate ids
        // (`--map-auto`: /etc/subuid, newuidmap) AND run a command chrooted in an unpacked root there — what
        // the executor does (sysctls, containers and seccomp policies often forbid one step or another).
        if let unshare = installed["unshare"] {
            if let knownExecutors {
                if knownExecutors.contains(.unshare) { executors.insert(.unshare) }
            } else if canRunInUnpackedRoot(unshare: unshare) {
                executors.insert(.unshare)
            }
        }
        let native: String
        if let dpkg = installed["dpkg"], let output = run(dpkg, ["--print-architecture"]), output.status == 0,
            let first = output.lines.first
        {
            native = first
        } else if let override = architectureOverride?.first {
            native = override
        } else {
            throw .noNativeArchitecture
        }
        var architectures = [native]
        if let override = architectureOverride {
            architectures = override
        } else if let archTest = installed["arch-test"], let output = run(archTest, ["-n"]), output.status == 0 {
            // `arch-test -n` prints the architectures it can run, one per line or space-separated.
            let detected = output.lines.flatMap { $0.split(separator: " ").map(String.init) }.filter { !$0.isEmpty }
            architectures = [native] + detected.filter { $0 != native }
        }
        return HostFacts(
            cpuCount: ProcessInfo.processInfo.activeProcessorCount,
            totalPhysicalMemory: ProcessInfo.processInfo.physicalMemory, nativeArchitecture: native,
            architectures: architectures,
            capabilities: WorkerHostCapabilities(installedCommands: Set(installed.keys), availableExecutors: executors))
    }

    /// Builds a minimal root (`true` and the libraries `ldd` lists) in a temporary folder and runs it the way
    /// ``UnshareInstance`` runs commands: `unshare --map-auto --map-root-user --mount --pid --fork chroot`.
    static func canRunInUnpackedRoot(unshare: String) -> Bool {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-unshare-probe-\(UUID().uuidString)")
        defer { _ = run(unshare, ["--map-auto", "--map-root-user", "rm", "-rf", root.path]); try? FileManager.default.removeItem(at: root) }
        guard let ldd = run("/usr/bin/ldd", ["/usr/bin/true"]), ldd.status == 0 else { return false }
        var files = ["/usr/bin/true"]
        for line in ldd.lines {
            if let path = line.split(separator: " ").first(where: { $0.hasPrefix("/") }) { files.append(String(path)) }
        }
        do {
            for file in files {
                let target = root.appendingPathComponent(String(file.dropFirst()))
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(
                    atPath: URL(fileURLWithPath: file).resolvingSymlinksInPath().path, toPath: target.path)
            }
        } catch {
            return false
        }
        return run(unshare, ["--map-auto", "--map-root-user", "--mount", "--pid", "--fork", "chroot", root.path, "/usr/bin/true"])?
            .status == 0
    }

    /// The executable `command` resolves to on `path`, if any.
    public static func find(_ command: String, path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(command)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                access(candidate, X_OK) == 0
            {
                return candidate
            }
        }
        return nil
    }

    private static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, lines: [String])? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return (process.terminationStatus, lines)
    }
}

/// Why the host could not be probed.
public enum HostProbeError: Error, Hashable, Sendable, CustomStringConvertible {
    case noNativeArchitecture

    public var description: String {
        switch self {
        case .noNativeArchitecture:
            "cannot find the native architecture: dpkg --print-architecture failed and KILN_WORKER_ARCHITECTURES is unset"
        }
    }
}
