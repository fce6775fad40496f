/// Which artifacts a work request's worker may download: those its input fields resolved to, as saved in its
/// dynamic data (Debusine authorises a worker's downloads by its work request's inputs, `get_input_artifacts_ids`).
/// Reading the saved Input* values, not each task's own keys, covers every task, present and future.
public enum InputArtifactReferences {
    /// Every `artifact_id` under `task_input_fields` of `dynamicData`, in first-seen order without repeats.
    public static func artifactIDs(inDynamicData dynamicData: JSONValue) -> [Int] {
        guard let fields = dynamicData.objectValue?[ResolvedInputs.dynamicDataKey] else { return [] }
        var seen: Set<Int> = []
        var ordered: [Int] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let members):
                for key in members.keys.sorted() {
                    if key == "artifact_id", let id = members[key]?.intValue {
                        if seen.insert(id).inserted { ordered.append(id) }
                    } else if let member = members[key] {
                        walk(member)
                    }
                }
            case .array(let elements):
                elements.forEach(walk)
            default:
                return
            }
        }
        walk(fields)
        return ordered
    }
}
