/// Capped exponential backoff with jitter, as a pure value so it can be tested without clocks.
///
/// The n-th delay (from 0) is `min(maximum, initial × multiplierⁿ)`, scaled by a random factor in
/// `1 ± jitter` and capped at `maximum` again. Jitter keeps a fleet of services that lost the broker at the
/// same moment from reconnecting in lockstep.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Relative spread, 0…1 (0.2 = ±20 %).
    public var jitter: Double
    /// Number of delays handed out since the last ``reset()``.
    public private(set) var attempt: Int = 0

    public init(
        initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30), multiplier: Double = 2,
        jitter: Double = 0.2
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = max(1, multiplier)
        self.jitter = min(max(0, jitter), 1)
    }

    /// The next delay; `random` is a number in 0..<1 (injected so tests are deterministic).
    public mutating func next(random: Double) -> Duration {
        let initialSeconds = Self.seconds(initial)
        let maximumSeconds = Self.seconds(maximum)
        let exponent = Double(min(attempt, 64))
        let base = min(maximumSeconds, initialSeconds * pow(multiplier, exponent))
        attempt += 1
        let factor = 1 + jitter * (2 * min(max(random, 0), 1) - 1)
        let delay = min(maximumSeconds, max(0, base * factor))
        return .nanoseconds(Int64(delay * 1e9))
    }

    /// The next delay with a random jitter.
    public mutating func next() -> Duration { next(random: Double.random(in: 0..<1)) }

    /// Starts over at ``initial``, after a connection worked again.
    public mutating func reset() { attempt = 0 }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) {
            result *= base
            if result > 1e12 { break }
        }
        return result
    }
}
