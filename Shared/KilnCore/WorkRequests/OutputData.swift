/// One problem a work request reports in `output_data.errors` (Debusine `tasks/models.py` `OutputDataError`).
///
/// The `code` is machine-readable (`configure-failed`, `dynamic-data-failed`,
/// `work-request-retry-limit-exceeded`, …) so the CLI and tests can tell failures apart without parsing
/// the message.
public struct WorkRequestError: Hashable, Sendable, Codable {
    /// Human-readable explanation.
    public var message: String
    /// Machine-readable kind of failure.
    public var code: String

    /// Memberwise.
    public init(message: String, code: String) {
        self.message = message
        self.code = code
    }
}

/// What a work request reports besides its result (Debusine `tasks/models.py` `OutputData`).
///
/// Every field is optional because Debusine merges `output_data` field by field: a later update that sets
/// only `errors` must not erase earlier `runtime_statistics`. `nil` means "not set", not "empty".
public struct OutputData: Hashable, Sendable, Codable {
    /// Timing and resource figures the worker measured (free-form object).
    public var runtimeStatistics: JSONValue?
    /// The problems that made the work request fail, abort or error.
    public var errors: [WorkRequestError]?
    /// Why the task skipped itself (with result `skipped`).
    public var skipReason: String?
    /// Regression analysis attached by QA workflows (free-form).
    public var regressionAnalysis: JSONValue?
    /// Debusine 0.16: The confirmation a `Wait/confirm` task received (free-form).
    public var confirmation: JSONValue?

    /// Everything defaults to "not set", so an update names only what it changes (see the type's doc).
    public init(
        runtimeStatistics: JSONValue? = nil, errors: [WorkRequestError]? = nil, skipReason: String? = nil,
        regressionAnalysis: JSONValue? = nil, confirmation: JSONValue? = nil
    ) {
        self.runtimeStatistics = runtimeStatistics
        self.errors = errors
        self.skipReason = skipReason
        self.regressionAnalysis = regressionAnalysis
        self.confirmation = confirmation
    }

    /// Output data reporting a single error.
    public init(error message: String, code: String) {
        self.init(errors: [WorkRequestError(message: message, code: code)])
    }

    /// `true` when no field is set.
    public var isEmpty: Bool { self == OutputData() }

    /// This output data with every field that `later` sets replacing ours (later set fields win, whole
    /// values: a later `errors` list replaces the earlier list).
    public func merged(with later: OutputData) -> OutputData {
        OutputData(
            runtimeStatistics: later.runtimeStatistics ?? runtimeStatistics,
            errors: later.errors ?? errors,
            skipReason: later.skipReason ?? skipReason,
            regressionAnalysis: later.regressionAnalysis ?? regressionAnalysis,
            confirmation: later.confirmation ?? confirmation)
    }

    /// Merges two optional output data values the way `mark_completed`/`mark_aborted` do.
    public static func merge(_ earlier: OutputData?, _ later: OutputData?) -> OutputData? {
        guard let later else { return earlier }
        guard let earlier else { return later }
        return earlier.merged(with: later)
    }

    enum CodingKeys: String, CodingKey {
        case runtimeStatistics = "runtime_statistics"
        case errors
        case skipReason = "skip_reason"
        case regressionAnalysis = "regression_analysis"
        case confirmation
    }
}
