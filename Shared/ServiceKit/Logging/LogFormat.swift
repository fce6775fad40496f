/// How log lines are written: JSON for machines and log shippers (the default), logfmt for people.
public enum LogFormat: String, CaseIterable, Sendable {
    /// `{"ts":"…","level":"info","service":"scheduler","msg":"…","wr.id":"12"}`
    case json
    /// `ts=… level=info service=scheduler msg="…" wr.id=12`
    case logfmt
}
