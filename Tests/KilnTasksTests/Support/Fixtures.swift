import KilnCore
import KilnTestSupport

/// The records the task tests use (`TaskFixture`: workspace `debian/developers` (1) inheriting
/// `debian/base` (2); source `hello 1.0-1` (1); binary `hello` (2); sid tarballs for amd64 (3) and arm64
/// (4); a `debian:upload` of hello (6); default task configuration (12) when asked for), answered by the
/// real lookup resolver.
enum Fixtures {
    static let context = TaskFixture.context

    /// Worked example 1 of deploy/docs/tags.md: workspace `debian/developers`, creator in the scope-level group
    /// `Debian`.
    static let developersWorkRequest = TaskFixture.developersWorkRequest

    static func lookups(withDefaultConfiguration: Bool = false) -> RecordingLookupResolver {
        TaskFixture.lookups(defaultConfiguration: withDefaultConfiguration)
    }
}
