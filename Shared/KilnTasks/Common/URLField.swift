import KilnCore

extension TaskDataReader {
    /// A required URL (pydantic `AnyUrl`): a scheme followed by `://` and a non-empty rest, optionally
    /// restricted to `schemes` (Debusine's `PackageUploadTarget.allowed_schemes`).
    ///
    /// Kiln keeps the URL as written; it checks only its shape, so a value pydantic would refuse for a
    /// subtler reason (a bad port, a bad host) can still pass here.
    ///
    /// - Throws: `TaskDataError` naming the field.
    mutating func url(_ key: String, schemes: Set<String>? = nil) throws(TaskDataError) -> String {
        let text = try string(key)
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        let scheme = parts.first.map { $0.lowercased() } ?? ""
        let validScheme =
            scheme.first?.isLetter == true
            && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
        guard parts.count == 2, validScheme, !parts[1].isEmpty else {
            throw .invalidValue(field: fieldName(key), value: .string(text), reason: "must be a URL (scheme://…)")
        }
        if let schemes, !schemes.contains(scheme) {
            throw .invalidValue(
                field: fieldName(key), value: .string(text),
                reason: "URL scheme should be \(schemes.sorted().map { "'\($0)'" }.joined(separator: " or "))")
        }
        return text
    }

    /// An optional list of strings: nil when absent or null (pydantic `list[str] | None`).
    mutating func optionalStringList(_ key: String) throws(TaskDataError) -> [String]? {
        guard raw(key) != nil else { return nil }
        return try stringList(key)
    }
}
