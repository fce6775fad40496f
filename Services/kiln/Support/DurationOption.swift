import ArgumentParser
import Foundation

/// A duration given on the command line: a number with a unit, `500ms`, `10s`, `5m`, `1h` (a plain number
/// is seconds), the same spelling as the services' duration settings.
struct DurationOption: ExpressibleByArgument, Sendable, CustomStringConvertible {
    let duration: Duration
    let description: String

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value > 0, value * scale <= 7 * 86_400 else { return nil }
        duration = .milliseconds(Int64((value * scale * 1000).rounded()))
        description = argument
    }

    /// The duration in seconds, for `Task.sleep` and deadlines.
    var seconds: Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
