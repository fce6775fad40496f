import ArgumentParser
import Foundation
import ServiceKit

/// A duration given on the command line: a number with a unit, `500ms`, `10s`, `5m`, `1h` (a plain number
/// is seconds), parsed by the same `EnvironmentReader.parseDuration` as the services' duration settings.
struct DurationOption: ExpressibleByArgument, Sendable, CustomStringConvertible {
    /// The longest interval or timeout an option accepts: a week, like the services' duration settings.
    static let longest: Duration = .seconds(7 * 86_400)

    let duration: Duration
    let description: String

    /// `nil` (ArgumentParser then names the option and the value) unless `argument` is a duration above zero
    /// and at most a week.
    init?(argument: String) {
        guard let duration = EnvironmentReader.parseDuration(argument), duration > .zero, duration <= Self.longest
        else { return nil }
        self.duration = duration
        description = argument
    }
}
