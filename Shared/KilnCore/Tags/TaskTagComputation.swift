/// A work request's sets (Debusine `db/tasks/base.py` `DBTask.apply_task_configuration`) from the task's candidate tags
/// (`compute_scheduler_tags`, or the four named hooks combined) and its task configuration.
public enum TaskTagComputation {
    /// The *early* sets: the candidates through the provenance restrictions, before configuration. Task
    /// configuration entries are filtered against these (Debusine `ConfigurationLookup.iter_matching_entries`), since
    /// configuration cannot be consulted to decide which configuration applies.
    public static func earlySets(
        provided: CandidateTags, required: CandidateTags, providedDerivations: [TagDerivationBatch] = [],
        requiredDerivations: [TagDerivationBatch] = []
    ) -> TaskTagSets {
        finalSets(
            provided: provided, required: required, configurationProvides: [], configurationRequires: [],
            providedDerivations: providedDerivations, requiredDerivations: requiredDerivations)
    }

    /// The final sets, frozen when the work request becomes pending:
    /// ```
    /// TP = Tagset(task-provided) + workspace: configuration provide_tags + provided candidates
    /// TR = Tagset(task-required) + workspace: configuration require_tags + required candidates
    /// ```
    /// Each candidate keeps its own provenance; a configuration that tries to provide a system-only tag
    /// (`task:scope:…`) sees it dropped and audited.
    public static func finalSets(
        provided: CandidateTags, required: CandidateTags, configurationProvides: some Sequence<String>,
        configurationRequires: some Sequence<String>, providedDerivations: [TagDerivationBatch] = [],
        requiredDerivations: [TagDerivationBatch] = []
    ) -> TaskTagSets {
        var providedSet = Tagset(kind: .taskProvided, derivationRules: providedDerivations)
        providedSet.add(.workspace, configurationProvides)
        providedSet.add(provided)

        var requiredSet = Tagset(kind: .taskRequired, derivationRules: requiredDerivations)
        requiredSet.add(.workspace, configurationRequires)
        requiredSet.add(required)

        return TaskTagSets(provided: providedSet.finalize(), required: requiredSet.finalize())
    }
}
