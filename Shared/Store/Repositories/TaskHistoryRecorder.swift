import Foundation
import KilnCore

/// Records a finished task run in the task history its workspace sees (`HistoricalTaskRun`), in the transaction
/// that completes the work request (`WorkRequestOperations.terminate`), as Debusine's `mark_completed` does.
enum TaskHistoryRecorder {
    /// The singleton every workspace may have, found like the lookup `_@debusine:task-history` from the work
    /// request's workspace (its own, else the first its inheritance reaches).
    static let lookup: JSONValue = .string("\(CollectionNaming.singletonName)@\(KnownCategories.taskHistory)")

    /// Adds the run to the task history, when the work request records one and its workspace sees a task
    /// history; the history's manager prunes older runs.
    ///
    /// A run the history refuses (an item of that name added by hand, for instance) is not recorded and does not
    /// hold back the completion; Debusine would fail the completion instead.
    ///
    /// - Returns: the new item's id, or `nil` when nothing was recorded.
    /// - Throws: database errors only.
    @discardableResult
    static func record(_ workRequest: WorkRequest, on conn: PGConnection) async throws -> Int? {
        guard let data = HistoricalTaskRun.data(for: workRequest) else { return nil }
        let context = try await WorkRequestRepository.lookupContext(of: workRequest, on: conn)
        let history: CollectionRecord? = try await conn.withSynchronousAccess { session in
            let store = FaultRecordingLookupStore(PGLookupStore(session))
            do {
                return try LookupResolver(store: store).lookupSingle(
                    lookup, expect: .collection, defaultCategory: nil, context: context
                ).collection
            } catch {
                if let fault = store.fault { throw fault }
                return nil
            }
        }
        guard let history else { return nil }
        do {
            // As Debusine's `user=self.created_by, workflow=self.parent`.
            return try await CollectionRepository.addItem(
                to: history,
                CollectionItemAddition(child: .bare(category: KnownCategories.historicalTaskRun, data: data)),
                createdBy: workRequest.storedCreatorID, createdByWorkRequestID: workRequest.parentID, on: conn
            ).item.id
        } catch is ItemAdditionError {
            // Raised by the manager or by the name check before any statement could fail, so the transaction is
            // still usable.
            return nil
        }
    }
}
