extension Duration {
    /// Whole milliseconds, truncated toward zero and saturating at the `Int64` bounds: what
    /// `statement_timeout` and `poll(2)` take. KilnCore has the same public conversion; this generic client
    /// does not depend on KilnCore, so it keeps an internal one.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        let (total, carry) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflow || carry ? (seconds < 0 ? .min : .max) : total
    }
}
