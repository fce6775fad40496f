import KilnCore
import Testing

/// The path pydantic's URL parsing (WHATWG) leaves of a `file:` URL, which Debusine's
/// `SystemBootstrapRepositoryKeyring.validate_url` checks against the keyring folders.
@Suite("PydanticURL.filePath: a file: URL's path as WHATWG parsing leaves it")
struct PydanticURLFilePathTests {
    @Test(
        "dot segments resolved (also as %2e), empty segments kept until then, host, query and fragment dropped",
        arguments: [
            ("file:///usr/share/keyrings/debian.gpg", "/usr/share/keyrings/debian.gpg"),
            ("file:/etc/passwd", "/etc/passwd"),
            ("file:etc/passwd", "/etc/passwd"),
            (" file:///etc/passwd", "/etc/passwd"),
            ("file:///usr/share/keyrings/%2e%2e/%2E%2e/etc/passwd", "/usr/etc/passwd"),
            ("file:///usr/share/keyrings/..\\..\\..\\etc/passwd", "/etc/passwd"),
            ("file:///usr/share/keyrings/x?/../../../etc", "/usr/share/keyrings/x"),
            ("file:///usr/share/keyrings//../x", "/usr/share/keyrings/x"),
            ("FILE://host/usr/share/keyrings/x#y", "/usr/share/keyrings/x"),
        ]
    )
    func paths(url: String, path: String) {
        #expect(PydanticURL.filePath(url) == path)
    }

    @Test("another scheme has no file path")
    func otherSchemes() {
        #expect(PydanticURL.filePath("https://example.org/usr/share/keyrings/x") == nil)
        #expect(PydanticURL.filePath("/usr/share/keyrings/x") == nil)
    }

    /// pydantic-core (WHATWG) gives a special scheme's URL without a path the path `/`, before any query or fragment.
    @Test(
        "URLs as pydantic writes them back: a missing path becomes /",
        arguments: [
            ("http://deb.debian.org", "http://deb.debian.org/"), ("http://h?x=1", "http://h/?x=1"),
            ("https://h#f", "https://h/#f"), ("http://h/debian", "http://h/debian"), ("file://host", "file://host/"),
            ("mailto:a@b", "mailto:a@b"), ("git://h", "git://h"),
        ])
    func normalized(url: String, written: String) {
        #expect(PydanticURL.normalized(url) == written)
    }
}
