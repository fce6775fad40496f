import KilnCore
import Testing

/// pydantic 2.14's `TypeAdapter(NameEmail).validate_python` (with email-validator), recorded for each value: what
/// Debusine's `SbuildBinNMU.maintainer` accepts and how it refuses the rest.
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
        ]
    )
    func refused(value: String, reason: String) {
        #expect(PydanticNameEmail.problem(value) == reason)
    }

    @Test("accepted: a bare address, a name and an address, non-ASCII names and addresses")
    func accepted() {
        for value in ["a@b.c", "a@example.org", "A <a@example.org>", "Ünï <ü@example.org>"] {
            #expect(PydanticNameEmail.problem(value) == nil, "\(value)")
        }
    }
}
