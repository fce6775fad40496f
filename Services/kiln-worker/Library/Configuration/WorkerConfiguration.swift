import Foundation
import KilnCore
import ServiceKit

/// The worker's validated configuration.
public struct WorkerConfiguration: Sendable, Hashable {
    public var amqpURL: String
    public var tokenFile: String
    public var activationToken: String?
    public var fqdn: String
    public var workerType: WorkerType
    public var extraTags: [String]
    /// Overrides architecture detection when set.
    public var architectures: [String]?
    public var gatewayRoutingPrefix: String
    public var helloRetryMaximum: Duration
    /// `KILN_WORKER_METADATA_INTERVAL`: how often the host is probed again.
    public var metadataInterval: Duration
    public var opsHost: String
    /// nil when the ops endpoints are off.
    public var opsPort: Int?
    /// The file store; nil when unset (only noop runs).
    public var fileStoreURL: URL?
    /// Where work requests run.
    public var workDirectory: URL
    /// Where environment tarballs are cached.
    public var cacheDirectory: URL
    /// The cache's bound in bytes.
    public var cacheMaxSize: Int
    /// How long a file-store request is retried while the store does not answer (`KILN_WORKER_FILE_STORE_PATIENCE`).
    public var fileStorePatience: Duration

    /// Reads and validates every setting.
    ///
    /// - Throws: `ConfigurationError` naming the variable and the bad value.
    public init(environment: EnvironmentReader, hostName: String = ProcessInfo.processInfo.hostName) throws {
        amqpURL = try environment.serverURL(WorkerSettings.amqpURL)
        tokenFile = try environment.string(WorkerSettings.tokenFile)
        let activation = try environment.string(WorkerSettings.activationToken)
        activationToken = activation.isEmpty ? nil : activation
        if let activationToken, activationToken.count > 64 {
            throw ConfigurationError.invalid(
                variable: WorkerSettings.activationToken.name, value: "***",
                expected: "at most 64 characters (got \(activationToken.count))")
        }
        let configuredFQDN = try environment.string(WorkerSettings.fqdn)
        fqdn = configuredFQDN.isEmpty ? hostName : configuredFQDN
        guard (1...400).contains(fqdn.count), !fqdn.contains(where: \.isWhitespace) else {
            throw ConfigurationError.invalid(
                variable: WorkerSettings.fqdn.name, value: fqdn, expected: "a host name of 1 to 400 characters without spaces")
        }
        let type = try environment.string(WorkerSettings.workerType).lowercased()
        guard let parsedType = WorkerType(rawValue: type), parsedType == .external || parsedType == .signing else {
            throw ConfigurationError.invalid(
                variable: WorkerSettings.workerType.name, value: type, expected: "external or signing")
        }
        workerType = parsedType
        extraTags = try Self.list(environment, WorkerSettings.extraTags, expected: "tags without spaces") {
            !$0.contains(where: \.isWhitespace)
        }
        let architectureList = try Self.list(
            environment, WorkerSettings.architectures, expected: "Debian architecture names such as amd64, i386"
        ) { name in name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } }
        architectures = architectureList.isEmpty ? nil : architectureList
        gatewayRoutingPrefix = try environment.string(WorkerSettings.gatewayRoutingPrefix)
        guard !gatewayRoutingPrefix.contains(where: { $0.isWhitespace || $0 == "#" || $0 == "*" }) else {
            throw ConfigurationError.invalid(
                variable: WorkerSettings.gatewayRoutingPrefix.name, value: gatewayRoutingPrefix,
                expected: "a routing-key prefix without spaces, '#' or '*'")
        }
        helloRetryMaximum = try environment.duration(
            WorkerSettings.helloRetryMaximum, in: .milliseconds(100) ... .seconds(3600))
        metadataInterval = try environment.duration(WorkerSettings.metadataInterval, in: .seconds(1) ... .seconds(24 * 3600))
        opsHost = try environment.string(WorkerSettings.opsHost)
        let port = try environment.int(WorkerSettings.opsPort, in: 0...65535)
        opsPort = port == 0 ? nil : port
        let fileStore = try environment.string(WorkerSettings.fileStoreURL)
        if fileStore.isEmpty {
            fileStoreURL = nil
        } else {
            guard let url = URL(string: fileStore), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ConfigurationError.invalid(
                    variable: WorkerSettings.fileStoreURL.name, value: fileStore, expected: "an http:// or https:// URL")
            }
            fileStoreURL = url
        }
        workDirectory = try Self.folder(environment, WorkerSettings.workDirectory)
        cacheDirectory = try Self.folder(environment, WorkerSettings.cacheDirectory)
        cacheMaxSize = try environment.byteCount(WorkerSettings.cacheMaxSize, in: (1 << 20)...(1 << 50))
        fileStorePatience = try environment.duration(WorkerSettings.fileStorePatience, in: .seconds(1) ... .seconds(86_400))
    }

    private static func folder(_ environment: EnvironmentReader, _ setting: Setting) throws -> URL {
        let path = try environment.string(setting)
        guard path.hasPrefix("/") else {
            throw ConfigurationError.invalid(variable: setting.name, value: path, expected: "an absolute folder path")
        }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    private static func list(
        _ environment: EnvironmentReader, _ setting: Setting, expected: String, valid: (String) -> Bool
    ) throws -> [String] {
        let items = try environment.string(setting).split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        if let bad = items.first(where: { !valid($0) }) {
            throw ConfigurationError.invalid(variable: setting.name, value: bad, expected: expected)
        }
        return items
    }
}
