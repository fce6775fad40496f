import KilnCore
import Testing

/// dpkg's version ordering, which Debusine's suite rules use through `debian.debian_support.Version`.
@Suite("Debian version ordering")
struct DebianVersionTests {
    @Test(
        "versions order as dpkg --compare-versions orders them",
        arguments: [
            ("1.0~rc1", "1.0"), ("1.0", "1.0-1"), ("1.0-1", "1.0-2"), ("1.0", "1.0a"), ("1.0", "1.0+b1"),
            ("2.9", "2.10"), ("2.0", "1:0.1"), ("1.0~~", "1.0~"), ("1.0-1~bpo1", "1.0-1"), ("a", "b"), ("1.0", "1.0.1"),
            ("1.2.3", "1.2.10"), ("1:1.0", "1:1.1"), ("0.9", "1.0"),
        ])
    func ordering(lower: String, higher: String) {
        #expect(DebianVersion(lower) < DebianVersion(higher))
        #expect(!(DebianVersion(higher) < DebianVersion(lower)))
    }

    /// python-debian's `BaseVersion.re_valid_version`, which Debusine's `DebianSuiteManager` reads every version with.
    @Test(
        "valid Debian versions as python-debian reads them",
        arguments: [
            ("1.0", true), ("1:2.10-3", true), ("1.0~rc1+dfsg-1~bpo12+1", true), ("a", true), ("12:3:4", true),
            ("1.0\n", true), ("1.0_1", false), ("", false), ("1.0 1", false), ("1.0-1/2", false), ("é", false),
            // No `:` without an epoch, and something after it (python-debian 0.1.49 refuses each of these).
            ("2:", false), ("1:", false), (":1", false), ("a:1", false), ("1.0:2", false),
        ])
    func validity(version: String, valid: Bool) {
        #expect(DebianVersion.isValid(version) == valid)
    }

    @Test("equal versions compare equal however they are spelled", arguments: [("1.0", "0:1.0"), ("1.01", "1.1"), ("1.0-0", "1.0-0")])
    func equality(first: String, second: String) {
        #expect(DebianVersion(first) == DebianVersion(second))
    }
}
