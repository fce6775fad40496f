import FileStore
import Foundation
import Hummingbird
import KilnRuntime
import ServiceKit
import ServiceLifecycle

/// file-store: artifact files over HTTP. Workers download their inputs and upload their outputs here; `kiln`
/// uploads and downloads for people. Content is stored once by SHA-256 (``LocalDirectoryBackend``), checked
/// as it arrives; an artifact is visible to lookups once all its files are stored. A sweep deletes expired
/// artifacts and content no artifact declares. See deploy/docs/services/file-store.md.
public struct FileStoreService {
    static let about = """
        Artifact files over HTTP: create artifacts, upload their files (streamed, size- and SHA-256-checked, \
        stored once by content), download them; deletes expired artifacts and unreferenced files. Workers use \
        their own token, people a token kiln mints. See deploy/docs/services/file-store.md.
        """

    /// The executable's whole life: settings, connections, the API, the sweep, until SIGTERM.
    public static func main() async {
        let service = "file-store"
        ServiceCommandLine.handle(executable: service, about: about, settings: RuntimeSettings.all + FileStoreSettings.all)
        let settings: FileStoreSettings
        let backend: LocalDirectoryBackend
        do {
            settings = try FileStoreSettings(environment: EnvironmentReader())
            backend = try LocalDirectoryBackend(root: settings.root)
        } catch {
            ServiceMain.failConfiguration(error, service: service)
        }
        let runtime = await ServiceBootstrap.start(service: service, about: about, settings: FileStoreSettings.all)
        let routes = FileStoreRoutes(
            pool: runtime.pool, backend: backend, maxFileSize: settings.maxFileSize, logger: runtime.logger)
        let api = Application(
            router: routes.router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "kiln-file-store"),
            logger: runtime.logger)
        let expiry = ExpirySweep(pool: runtime.pool, backend: backend, stagingMaxAge: settings.stagingMaxAge, logger: runtime.logger)
        await runtime.run([
            APIServer(application: api, description: "FileStoreAPI(\(settings.host):\(settings.port))"),
            Sweeper(
                service: service, name: "expired-artifacts", interval: settings.expiryInterval, jitter: 0.1,
                logger: runtime.logger, logsItems: false
            ) { try await expiry.sweep() },
        ])
    }
}

/// The API application as a member of the service group (the group owns the signals).
struct APIServer: Service, CustomStringConvertible {
    let application: Application<RouterResponder<BasicRequestContext>>
    let description: String

    func run() async throws {
        try await application.runService(gracefulShutdownSignals: [])
    }
}
