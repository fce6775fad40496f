import Foundation

/// A `debusine:task-history` segment (Debusine's `TaskHistoryManager.do_lookup`): the most recently added run of a
/// task for a subject and context — any run (`last-entry`), the last success (`last-success`) or the last
/// failure (`last-failure`: result `failure`, `temporary failure` or `error`).
public struct TaskRunQuery: Hashable, Sendable {
    /// Which run is wanted.
    public enum Kind: String, Hashable, Sendable {
        /// The last run, whatever its result.
        case lastEntry = "last-entry"
        /// The last successful run.
        case lastSuccess = "last-success"
        /// The last failed run.
        case lastFailure = "last-failure"
    }

    /// Which run is wanted.
    public var kind: Kind
    /// The runs' `task_type` (`Worker`, …).
    public var taskType: String
    /// The runs' `task_name`.
    public var taskName: String
    /// The subject as written: URL-quoted, empty for none.
    public var quotedSubject: String
    /// The context as written: URL-quoted, empty for none.
    public var quotedContext: String

    /// The subject the runs must have, unquoted; empty matches a run without one.
    public var subject: String { PythonURLQuote.unquote(quotedSubject) }
    /// The context the runs must have, unquoted; empty matches a run without one.
    public var context: String { PythonURLQuote.unquote(quotedContext) }

    /// Debusine's `^(last-entry|last-success|last-failure):(.+?):(.+?):(.*?):(.*)$`, matched with the same regular
    /// expression so every split falls where Debusine's does; `nil` when the text does not match.
    public init?(parsing text: String) {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = Self.pattern.firstMatch(in: text, range: range), match.numberOfRanges == 6 else { return nil }
        func group(_ index: Int) -> String { Range(match.range(at: index), in: text).map { String(text[$0]) } ?? "" }
        guard let kind = Kind(rawValue: group(1)) else { return nil }
        self.kind = kind
        taskType = group(2)
        taskName = group(3)
        quotedSubject = group(4)
        quotedContext = group(5)
    }

    /// The segment's text.
    public var text: String { [kind.rawValue, taskType, taskName, quotedSubject, quotedContext].joined(separator: ":") }

    /// Debusine's `TaskHistoryManager.do_lookup` refusal of any other query.
    static func unexpected(_ segment: String) -> String {
        "Unexpected lookup format: \"\(segment)\" (expected \"last-entry\", \"last-success\", or \"last-failure\")"
    }

    /// Debusine's pattern, with Python's `.` (anything but a newline; ICU's `.` also stops at other line
    /// separators). Constant and valid, so compiling it cannot fail.
    private static let pattern = try! NSRegularExpression(
        pattern: #"^(last-entry|last-success|last-failure):([^\n]+?):([^\n]+?):([^\n]*?):([^\n]*)$"#)
}
