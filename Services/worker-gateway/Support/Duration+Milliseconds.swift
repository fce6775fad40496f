extension Duration {
    /// Whole milliseconds (truncated), for SQL intervals and log lines.
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
