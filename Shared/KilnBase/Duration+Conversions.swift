import Foundation

/// The conversions of a `Duration` that Kiln needs at its edges: SQL parameters in milliseconds, `Date`
/// arithmetic in seconds, metric timers in nanoseconds.
///
/// Kept in one place because hand-written copies drifted: some used only `components.seconds` and silently
/// dropped the fraction of a second (a `500ms` setting became zero). Each property reads both components.
extension Duration {
    /// The duration in seconds as a `TimeInterval`, fraction included, to move a `Date` or to bind a
    /// `make_interval(secs => …)` parameter.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole milliseconds, truncated toward zero and computed in integers (exact, no floating point), for
    /// `$n::bigint * interval '1 millisecond'` parameters, log lines and wire fields. Saturates at the `Int64`
    /// bounds instead of trapping for durations beyond ±292 million years.
    public var wholeMilliseconds: Int64 {
        wholeUnits(perSecond: 1_000)
    }

    /// Whole nanoseconds, truncated toward zero and saturating at the `Int64` bounds (about ±292 years), for
    /// swift-metrics timers, which take nanoseconds and must never trap on a long-running operation.
    public var saturatingNanoseconds: Int64 {
        wholeUnits(perSecond: 1_000_000_000)
    }

    private func wholeUnits(perSecond: Int64) -> Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: perSecond)
        let fraction = attoseconds / (1_000_000_000_000_000_000 / perSecond)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = scaled.addingReportingOverflow(fraction)
        guard !sumOverflow else { return seconds < 0 ? .min : .max }
        return sum
    }
}
