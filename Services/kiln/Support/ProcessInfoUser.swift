import Foundation

enum ProcessInfoUser {
    /// `$USER` (or `$LOGNAME`) of the calling process.
    static var current: String? {
        let environment = ProcessInfo.processInfo.environment
        return environment["USER"] ?? environment["LOGNAME"]
    }
}
