/// Template expansion, mirroring Debusine's `server/collections/debusine_task_configuration.py`
/// `ConfigurationLookup.lookup_templates`: for each name in `use_templates`, that template's own templates first
/// (recursively), then the template itself. A diamond `ab → [a, b]`, `a → [base]`, `b → [base]` expands to
/// `[base, a, base, b, ab]` (templates are applied as often as they are referenced).
public enum TaskConfigurationTemplates {
    /// Most entries one expansion may produce. Diamonds repeat templates, so a chain of them grows
    /// exponentially; a workspace owner's mistake must give an error, not stall the tag-computer.
    public static let maximumExpandedEntries = 10_000

    /// The templates `entry` uses, in application order.
    ///
    /// - Parameter template: finds a template entry by its template name (`nil` when missing); it may
    ///   throw (e.g. when the stored template does not validate).
    /// - Throws: `TaskConfigError` with Debusine's messages: `<entry name> references missing template
    ///   '<name>'` and `<entry name>: template lookup cycle detected: a→b→a`.
    public static func expand(
        _ entry: TaskConfigurationEntry,
        template: (String) throws(TaskConfigError) -> TaskConfigurationEntry?
    ) throws(TaskConfigError) -> [TaskConfigurationEntry] {
        var result: [TaskConfigurationEntry] = []
        try expand(entry, stack: [], template: template, into: &result)
        return result
    }

    private static func expand(
        _ entry: TaskConfigurationEntry, stack: [String],
        template: (String) throws(TaskConfigError) -> TaskConfigurationEntry?,
        into result: inout [TaskConfigurationEntry]
    ) throws(TaskConfigError) {
        for name in entry.useTemplates {
            if stack.contains(name) {
                throw TaskConfigError(
                    "\(entry.itemName): template lookup cycle detected: " + (stack + [name]).joined(separator: "→"))
            }
            guard let templateEntry = try template(name) else {
                throw TaskConfigError("\(entry.itemName) references missing template \(JSONValue.pythonStringRepr(name))")
            }
            if !templateEntry.useTemplates.isEmpty {
                try expand(templateEntry, stack: stack + [name], template: template, into: &result)
            }
            guard result.count < maximumExpandedEntries else {
                throw TaskConfigError(
                    "\(entry.itemName): template expansion exceeds \(maximumExpandedEntries) entries")
            }
            result.append(templateEntry)
        }
    }
}
