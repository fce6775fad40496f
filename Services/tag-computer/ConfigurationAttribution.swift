import KilnCore
import Store

/// Who proposed each workspace-provenance tag: the applied configuration entries whose `provide_tags` /
/// `require_tags` list it (templates included), for the `rule` column of the tag audit trail.
enum ConfigurationAttribution {
    /// Tag → "task configuration <collection id>: <entry>, <entry>" for each set.
    ///
    /// - Parameters:
    ///   - items: the configuration collection's active items (entries that do not decode are skipped:
    ///     they cannot have applied, or configuration would have failed).
    ///   - applied: item names of the applied entries, in application order.
    static func contributors(
        result: PendingTransitionResult, items: [TaskConfigurationItem]
    ) -> [TagAuditSetKind: [String: String]] {
        guard let collectionID = result.configurationCollectionID else { return [:] }
        var entriesByName: [String: TaskConfigurationEntry] = [:]
        for item in items {
            guard let entry = try? TaskConfigurationEntry(data: item.data) else { continue }
            if entriesByName[entry.itemName] == nil { entriesByName[entry.itemName] = entry }
        }
        var applied: [TaskConfigurationEntry] = []
        var seen: Set<String> = []
        for name in result.appliedConfigurationEntries where seen.insert(name).inserted {
            if let entry = entriesByName[name] { applied.append(entry) }
        }
        func attribution(_ set: ComputedTagSet, _ tags: (TaskConfigurationEntry) -> [String]) -> [String: String] {
            var byTag: [String: String] = [:]
            for entry in set.audit where entry.provenance == .workspace && entry.derivedBy == nil {
                let names = applied.filter { tags($0).contains(entry.tag) }.map(\.itemName)
                let who = names.isEmpty ? "" : ": " + names.joined(separator: ", ")
                byTag[entry.tag] = "task configuration \(collectionID)\(who)"
            }
            return byTag
        }
        return [
            .provided: attribution(result.tags.provided, \.provideTags),
            .required: attribution(result.tags.required, \.requireTags),
        ].filter { !$0.value.isEmpty }
    }
}
