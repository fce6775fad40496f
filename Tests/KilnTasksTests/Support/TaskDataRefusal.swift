import KilnCore
import Testing

/// Expects `body` to refuse task data with exactly `text`: for a task with a data model, the text Debusine 0.16.2's
/// own model gives for the same data (each call site's text was recorded by running that model, as
/// `deploy/fidelity/task-data-cases.py` does).
func expectTaskDataRefusal(
    _ text: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("accepted; expected \(text)", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)" == text, sourceLocation: sourceLocation)
    }
}
