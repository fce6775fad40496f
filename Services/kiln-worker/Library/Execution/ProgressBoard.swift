import Synchronization

/// What each running task last said it was doing, by work request id: the pipeline writes it at each stage
/// (fetching inputs, running a tool, uploading), the agent sends it with every heartbeat, the gateway records
/// it and `kiln watch` shows it.
public final class ProgressBoard: Sendable {
    private let entries = Mutex<[Int: String]>([:])

    /// An empty board.
    public init() {}

    /// Records `text` for work request `id`.
    public func report(_ text: String, for id: Int) {
        entries.withLock { $0[id] = text }
    }

    /// Forgets work request `id` (its run ended).
    public func clear(_ id: Int) {
        entries.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// The entries of `ids`, keyed by the id as text (the heartbeat's `progress`); nil when there is none.
    public func snapshot(for ids: [Int]) -> [String: String]? {
        let found = entries.withLock { entries in
            Dictionary(ids.compactMap { id in entries[id].map { (String(id), $0) } }, uniquingKeysWith: { first, _ in first })
        }
        return found.isEmpty ? nil : found
    }
}
