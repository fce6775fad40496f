/// A `NOTIFY` received by a session that runs `LISTEN` on its channel (see
/// `PGConnection.waitForNotifications(timeout:)`).
public struct PGNotification: Sendable, Hashable {
    /// The channel named in `NOTIFY` / `pg_notify`.
    public var channel: String
    /// The payload (empty when none was given).
    public var payload: String
    /// The server process that sent it.
    public var senderPID: Int32

    /// Creates a notification value.
    public init(channel: String, payload: String, senderPID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderPID = senderPID
    }
}
