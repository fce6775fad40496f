/// How far Kiln's `mark_pending` got for a work request being unblocked.
///
/// In Debusine `mark_pending` is one step: the work request is PENDING at once. In Kiln it is a pipeline —
/// the lookup-resolver resolves the `Stage.pending` inputs, the tag-computer applies task configuration and
/// freezes the tags — so a work request the core has marked PENDING carries a stage until the pipeline is
/// through, and only then may the scheduler take it. In the core it is PENDING (for dependencies, aborts,
/// retries and completions it behaves as Debusine's PENDING work request); in PostgreSQL it is stored as
/// `status = 'blocked'` with `pending_stage` set (deploy/docs/schema.md), so no query that looks for
/// schedulable rows can mistake it for one.
public enum PendingStage: String, CaseIterable, Hashable, Sendable, Codable {
    /// Unblocking was requested (`wr.unblocked`): the lookup-resolver resolves `Stage.pending` inputs.
    case requested
    /// `Stage.pending` inputs are resolved (`wr.inputs-resolved`): the tag-computer configures it.
    case inputsResolved = "inputs-resolved"

    /// The stage as shown in place of the status: `pending-requested`, `inputs-resolved`.
    public var displayName: String {
        switch self {
        case .requested: "pending-requested"
        case .inputsResolved: "inputs-resolved"
        }
    }
}

extension PendingStage {
    /// The status Kiln stores (the `status` column) and reports (`kiln … --json`, beside `pending_stage`) for
    /// a work request with core status `status` at `stage`: `blocked` while being unblocked, so every query
    /// for schedulable rows (`status = 'pending'`) leaves such a row out without knowing about stages, and
    /// the CHECK of migration 2 holds (a stage only on a blocked row).
    public static func storedStatus(_ status: WorkRequestStatus, at stage: PendingStage?) -> WorkRequestStatus {
        stage == nil ? status : .blocked
    }

    /// How people read a status: the stage's name while being unblocked (`pending-requested`,
    /// `inputs-resolved`), else the status. Every listing and `kiln show` use this one rule.
    public static func displayStatus(_ status: String, at stage: PendingStage?) -> String {
        stage?.displayName ?? status
    }

    /// The core status of a stored row: `blocked` with a pending stage is a PENDING work request being
    /// unblocked. The inverse of ``storedStatus(_:at:)``.
    public static func coreStatus(stored: WorkRequestStatus, at stage: PendingStage?) -> WorkRequestStatus {
        stage == nil ? stored : .pending
    }
}

extension WorkRequest {
    /// The status Kiln stores and reports for this work request (``PendingStage/storedStatus(_:at:)``).
    public var storedStatus: WorkRequestStatus { PendingStage.storedStatus(status, at: pendingStage) }
}
