import Foundation
import KilnCore
import KilnRuntime
import ServiceKit

/// The tag-computer's own settings (the runtime's are in `RuntimeSettings`), each with its default.
enum TagComputerSettings {
    /// The fallback build architecture (Debusine `db/models/work_requests.py` `WorkRequest.get_fallback_architecture`),
    /// shared with the lookup-resolver (declared once, in the runtime).
    static let fallbackArchitecture = RuntimeSettings.fallbackArchitecture

    static let all = [fallbackArchitecture]
}

/// The checked values of ``TagComputerSettings``.
struct TagComputerConfiguration: Sendable {
    var inputSettings: InputResolutionSettings

    init(environment: EnvironmentReader) throws {
        inputSettings = try RuntimeSettings.inputResolution(environment)
    }
}
