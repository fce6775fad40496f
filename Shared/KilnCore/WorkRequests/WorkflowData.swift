import Foundation

/// The workflow-related settings of a work request (Debusine `server/workflows/models.py` `WorkRequestWorkflowData`),
/// stored as JSON with Debusine's snake_case keys.
///
/// The flags that change scheduling (`allow_failure`, `allow_dependency_failures`, `retry_count`, `visible`) read as
/// plain values with Debusine's defaults, so callers never have to unwrap them, but, as Debusine stores the model
/// (`WorkRequest.workflow_data`'s setter dumps with `exclude_unset=True`), only the fields that were given or
/// assigned are written: a work request created without workflow data stores `{}`, and a manual retry
/// `{"retry_count": 0}` (test `test_retry_supersede_manual_resets_retry_count`).
public struct WorkflowData: Hashable, Sendable, Codable {
    /// When this work request fails, its dependants still run and the workflow does not fail because of it.
    public var allowFailure: Bool {
        get { givenAllowFailure ?? false }
        set { givenAllowFailure = newValue }
    }
    /// Debusine 0.16: This work request runs even if one of its dependencies failed or was aborted.
    public var allowDependencyFailures: Bool {
        get { givenAllowDependencyFailures ?? false }
        set { givenAllowDependencyFailures = newValue }
    }
    /// How many times this work request (and the ones it supersedes) was retried (Debusine
    /// `WorkRequest._retry_supersede`).
    public var retryCount: Int {
        get { givenRetryCount ?? 0 }
        set { givenRetryCount = newValue }
    }
    /// Whether a Wait task needs a person (`true`) or only time (`false`); required for Wait tasks.
    public var needsInput: Bool?
    /// The name shown in the UI.
    public var displayName: String?
    /// The orchestrator's step name, used to find the work request again.
    public var step: String?
    /// A UI grouping label.
    public var group: String?
    /// The name of the workflow template the work request was created from.
    public var workflowTemplateName: String?
    /// The log of manual unblock reviews (only for `manual` unblock strategy).
    public var manualUnblock: ManualUnblockData?
    /// Whether the UI shows the work request (invisible helper steps are still scheduled).
    public var visible: Bool {
        get { givenVisible ?? true }
        set { givenVisible = newValue }
    }
    /// Whether the UI shows a workflow expanded.
    public var expanded: Bool?

    // The flags as given or assigned (`nil`: unset, written nowhere, read as Debusine's default).
    private var givenAllowFailure: Bool?
    private var givenAllowDependencyFailures: Bool?
    private var givenRetryCount: Int?
    private var givenVisible: Bool?

    /// Every field is unset unless given (pydantic's `model_fields_set`); unset flags read as Debusine's defaults.
    public init(
        allowFailure: Bool? = nil, allowDependencyFailures: Bool? = nil, retryCount: Int? = nil,
        needsInput: Bool? = nil, displayName: String? = nil, step: String? = nil, group: String? = nil,
        workflowTemplateName: String? = nil, manualUnblock: ManualUnblockData? = nil, visible: Bool? = nil,
        expanded: Bool? = nil
    ) {
        givenAllowFailure = allowFailure
        givenAllowDependencyFailures = allowDependencyFailures
        givenRetryCount = retryCount
        self.needsInput = needsInput
        self.displayName = displayName
        self.step = step
        self.group = group
        self.workflowTemplateName = workflowTemplateName
        self.manualUnblock = manualUnblock
        givenVisible = visible
        self.expanded = expanded
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case allowFailure = "allow_failure"
        case allowDependencyFailures = "allow_dependency_failures"
        case retryCount = "retry_count"
        case needsInput = "needs_input"
        case displayName = "display_name"
        case step
        case group
        case workflowTemplateName = "workflow_template_name"
        case manualUnblock = "manual_unblock"
        case visible
        case expanded
    }

    /// The keys Debusine's model knows (`extra="forbid"` refuses any other).
    public static let keys: Set<String> = Set(CodingKeys.allCases.map(\.rawValue))

    /// Reads the fields present (absent ones stay unset) and refuses a negative `retry_count`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        givenAllowFailure = try container.decodeIfPresent(Bool.self, forKey: .allowFailure)
        givenAllowDependencyFailures = try container.decodeIfPresent(Bool.self, forKey: .allowDependencyFailures)
        givenRetryCount = try container.decodeIfPresent(Int.self, forKey: .retryCount)
        if let retryCount = givenRetryCount, retryCount < 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .retryCount, in: container, debugDescription: "retry_count \(retryCount) is negative")
        }
        needsInput = try container.decodeIfPresent(Bool.self, forKey: .needsInput)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName)
        step = try container.decodeIfPresent(String.self, forKey: .step)
        group = try container.decodeIfPresent(String.self, forKey: .group)
        workflowTemplateName = try container.decodeIfPresent(String.self, forKey: .workflowTemplateName)
        manualUnblock = try container.decodeIfPresent(ManualUnblockData.self, forKey: .manualUnblock)
        givenVisible = try container.decodeIfPresent(Bool.self, forKey: .visible)
        expanded = try container.decodeIfPresent(Bool.self, forKey: .expanded)
    }

    /// Writes the fields that are set, as Debusine's `model_dump(exclude_unset=True)`, so documents round-trip.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(givenAllowFailure, forKey: .allowFailure)
        try container.encodeIfPresent(givenAllowDependencyFailures, forKey: .allowDependencyFailures)
        try container.encodeIfPresent(givenRetryCount, forKey: .retryCount)
        try container.encodeIfPresent(needsInput, forKey: .needsInput)
        try container.encodeIfPresent(displayName, forKey: .displayName)
        try container.encodeIfPresent(step, forKey: .step)
        try container.encodeIfPresent(group, forKey: .group)
        try container.encodeIfPresent(workflowTemplateName, forKey: .workflowTemplateName)
        try container.encodeIfPresent(manualUnblock, forKey: .manualUnblock)
        try container.encodeIfPresent(givenVisible, forKey: .visible)
        try container.encodeIfPresent(expanded, forKey: .expanded)
    }
}

/// `workflow_data.manual_unblock`: the review history of a `manual` work request (Debusine `server/workflows/models.py`
/// `WorkRequestManualUnblockData`).
public struct ManualUnblockData: Hashable, Sendable, Codable {
    /// Every review, oldest first; kept so owners can see who let a work request through and why.
    public var log: [ManualUnblockReview]

    /// An empty log: nobody has reviewed the work request yet.
    public init(log: [ManualUnblockReview] = []) {
        self.log = log
    }
}

/// What a reviewer decided about a `manual` work request.
public enum ManualUnblockAction: String, CaseIterable, Hashable, Sendable, Codable {
    /// Let it run: BLOCKED → PENDING.
    case accept
    /// Refuse it: BLOCKED → ABORTED (which cascades to its dependants).
    case reject
}

/// One entry of the manual unblock log. The timestamp is stored as ISO 8601 text, as Debusine stores it.
public struct ManualUnblockReview: Hashable, Sendable, Codable {
    /// The reviewing user's id.
    public var userID: Int
    /// When the review happened.
    public var timestamp: Date
    /// The reviewer's free-text notes.
    public var notes: String?
    /// The decision, or `nil` for a comment that neither accepts nor rejects.
    public var action: ManualUnblockAction?

    /// Notes and action are optional: a review may be a plain comment.
    public init(userID: Int, timestamp: Date, notes: String? = nil, action: ManualUnblockAction? = nil) {
        self.userID = userID
        self.timestamp = timestamp
        self.notes = notes
        self.action = action
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case timestamp
        case notes
        case action
    }

    /// Reads the ISO 8601 timestamp text Debusine stores, refusing text that is not one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        userID = try container.decode(Int.self, forKey: .userID)
        let text = try container.decode(String.self, forKey: .timestamp)
        guard let date = ISO8601Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .timestamp, in: container, debugDescription: "timestamp \"\(text)\" is not ISO 8601")
        }
        timestamp = date
        notes = try container.decodeIfPresent(String.self, forKey: .notes)
        action = try container.decodeIfPresent(ManualUnblockAction.self, forKey: .action)
    }

    /// Writes the timestamp as ISO 8601 text, as Debusine stores it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(userID, forKey: .userID)
        try container.encode(ISO8601Timestamp.format(timestamp), forKey: .timestamp)
        try container.encodeIfPresent(notes, forKey: .notes)
        try container.encodeIfPresent(action, forKey: .action)
    }
}
