import Foundation
import KilnWorker
import ServiceKit
import Testing

/// The worker's settings that shape real runs, read from the environment as the process reads them.
@Suite("kiln-worker configuration")
struct WorkerConfigurationTests {
    @Test("KILN_WORKER_FILE_STORE_PATIENCE defaults to ten minutes, takes a duration, and names a bad value")
    func fileStorePatience() throws {
        let base = ["KILN_FILE_STORE_URL": "http://file-store:8070"]
        #expect(try WorkerConfiguration(environment: EnvironmentReader(variables: base)).fileStorePatience == .seconds(600))
        let set = base.merging(["KILN_WORKER_FILE_STORE_PATIENCE": "90s"]) { $1 }
        #expect(try WorkerConfiguration(environment: EnvironmentReader(variables: set)).fileStorePatience == .seconds(90))
        for bad in ["forever", "0s", "2d"] {
            let variables = base.merging(["KILN_WORKER_FILE_STORE_PATIENCE": bad]) { $1 }
            #expect {
                _ = try WorkerConfiguration(environment: EnvironmentReader(variables: variables))
            } throws: { error in
                "\(error)".contains("KILN_WORKER_FILE_STORE_PATIENCE='\(bad)' is invalid")
            }
        }
    }

    @Test("KILN_WORKER_METADATA_INTERVAL defaults to an hour (Debusine's), from 1 s to 24 h, and names a bad value")
    func metadataInterval() throws {
        #expect(try WorkerConfiguration(environment: EnvironmentReader(variables: [:])).metadataInterval == .seconds(3600))
        let set = ["KILN_WORKER_METADATA_INTERVAL": "10m"]
        #expect(try WorkerConfiguration(environment: EnvironmentReader(variables: set)).metadataInterval == .seconds(600))
        for bad in ["hourly", "0s", "25h"] {
            #expect {
                _ = try WorkerConfiguration(environment: EnvironmentReader(variables: ["KILN_WORKER_METADATA_INTERVAL": bad]))
            } throws: { error in
                "\(error)".contains("KILN_WORKER_METADATA_INTERVAL='\(bad)' is invalid")
            }
        }
    }
}
