import KilnCore
import Testing

/// pydantic 2.14's `TypeAdapter(NameEmail).validate_python` (with email-validator), recorded for each value: what
/// Debusine's `SbuildBinNMU.maintainer` accepts, how `str()` writes it back, and how it refuses the rest.
@Suite("pydantic's NameEmail, as sbuild's binnmu.maintainer checks it")
struct PydanticNameEmailTests {
    @Test(
        "refusals in email-validator's words",
        arguments: [
            ("", "An email address must have an @-sign."),
            ("A <bad>", "An email address must have an @-sign."),
            ("a@b", "The part after the @-sign is not valid. It should have a period."),
            ("a@localhost", "The part after the @-sign is not valid. It should have a period."),
            ("a@@b.org", "The part after the @-sign contains invalid characters: '@'."),
            ("@b.org", "There must be something before the @-sign."),
            ("a@", "There must be something after the @-sign."),
            ("a b@c.org", "The email address contains invalid characters before the @-sign: SPACE."),
            ("a@b..org", "An email address cannot have two periods in a row."),
            ("a@-b.org", "An email address cannot have a hyphen immediately after the @-sign."),
            ("a@[1.2.3.4]", "A bracketed IP address after the @-sign is not allowed here."),
            ("a.@b.org", "An email address cannot have a period immediately before the @-sign."),
            (String(repeating: "x", count: 3000), "Length must not exceed 2048 characters"),
            ("jane@example.org\nUrgency: high", "Carriage return and line feed characters are not allowed"),
            ("jane@exa mple.org", "The part after the @-sign contains invalid characters: SPACE."),
            ("x@example.org.", "An email address cannot end with a period."),
            (
                "x@example.local",
                "The part after the @-sign is a special-use or reserved name that cannot be used with email."
            ),
            ("a,b@example.org", "The email address contains invalid characters before the @-sign: ','."),
        ])
    func refused(value: String, reason: String) {
        guard case .failure(let failure) = PydanticNameEmail.parse(value) else {
            Issue.record("\(value) accepted")
            return
        }
        #expect(failure.reason == reason)
    }

    @Test("accepted, and written back as str(NameEmail) writes it")
    func accepted() throws {
        let cases = [
            ("a@b.c", "a <a@b.c>"), ("a@example.org", "a <a@example.org>"), ("A <a@example.org>", "A <a@example.org>"),
            ("Ünï <ü@example.org>", "Ünï <ü@example.org>"), (" jane@example.org", "jane <jane@example.org>"),
            ("Jane <j@example.org>\t", "Jane <j@example.org>"), (#""J@x" <j@example.org>"#, #""J@x" <j@example.org>"#),
            ("J <J@EXAMPLE.ORG>", "J <J@example.org>"), ("Jane Doe <jane@example.org>", "Jane Doe <jane@example.org>"),
        ]
        for (value, written) in cases {
            #expect(try PydanticNameEmail.parse(value).get().description == written, "\(value)")
        }
    }
}
