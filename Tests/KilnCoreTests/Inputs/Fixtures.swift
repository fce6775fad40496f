import KilnCore
import KilnTestSupport

/// The records input-field and task-framework tests use: `TaskFixture` (workspace `debian/developers` (1)
/// inheriting `debian/base` (2), source `hello 1.0-1` (1), binary (2), sid tarballs amd64 (3) and arm64 (4),
/// suite `sid` (10) and `_@debian:archive` (11) in base, a `debian:lintian` artifact (5)), answered by the
/// real lookup resolver.
enum Fixtures {
    static let context = TaskFixture.context

    /// The real resolver over the fixture; `withDefaultConfiguration` adds the default task-configuration
    /// collection (12), `withArchive: false` leaves out the archive.
    static func lookups(withDefaultConfiguration: Bool = false, withArchive: Bool = true) -> RecordingLookupResolver {
        TaskFixture.lookups(defaultConfiguration: withDefaultConfiguration, archive: withArchive)
    }
}
