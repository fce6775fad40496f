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
}
