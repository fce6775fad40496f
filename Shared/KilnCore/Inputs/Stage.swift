/// When an input field must be resolvable (Debusine `tasks/inputs/inputs.py` `Stage`). Ordered: resolving a stage
/// resolves every field whose stage is at or before it, so `.running` resolves everything.
///
/// Debusine 0.16 names; Debusine 0.14 called them `CONFIG` (= `.pending`) and `ALL` (= `.running`).
public enum Stage: Int, CaseIterable, Comparable, Hashable, Sendable, Codable {
    /// Stage 1 (Debusine 0.14 `CONFIG`): resolved when the work request becomes pending. Subject, configuration
    /// context and scheduler tags may rely only on fields of this stage.
    case pending = 1
    /// Stage 2 (Debusine 0.14 `ALL`): resolved at worker assignment and again when the work request is marked
    /// running; `computeDynamicData()` and execution see every field.
    case running = 2

    /// `pending` before `running`: the order fields are resolved in (Debusine `TaskFieldContainer.iter_all_fields`).
    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.rawValue < rhs.rawValue }
}
