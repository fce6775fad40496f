/// pydantic 2's `NameEmail`: `Name <address>` or a bare address, the address checked by the `email-validator`
/// package that pydantic calls (without a deliverability check), with its messages for the common faults: a missing
/// `@`, nothing before or after it, spaces, misplaced or doubled periods, a domain without a period, a bracketed
/// address. Rarer refusals (internationalised domain rules, quoted local parts) are not reproduced.
public enum PydanticNameEmail {
    /// The reason after pydantic's `value is not a valid email address: `, or `nil` for a value it accepts.
    public static func problem(_ text: String) -> String? {
        guard text.count <= 2048 else { return "Length must not exceed 2048 characters" }
        var address = Substring(text)
        // pydantic's `pretty_email_regex`: an optional name, then the address between angle brackets.
        if let open = text.firstIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close,
            text[text.index(after: close)...].allSatisfy({ $0 == " " })
        {
            address = text[text.index(after: open)..<close]
        }
        guard let at = address.firstIndex(of: "@") else { return "An email address must have an @-sign." }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        if local.isEmpty { return "There must be something before the @-sign." }
        if domain.isEmpty { return "There must be something after the @-sign." }
        if local.contains(" ") { return "The email address contains invalid characters before the @-sign: SPACE." }
        if local.hasPrefix(".") { return "An email address cannot start with a period." }
        if local.hasSuffix(".") { return "An email address cannot have a period immediately before the @-sign." }
        if address.contains("..") { return "An email address cannot have two periods in a row." }
        if domain.contains("@") { return "The part after the @-sign contains invalid characters: '@'." }
        if domain.hasPrefix("[") { return "A bracketed IP address after the @-sign is not allowed here." }
        if domain.hasPrefix("-") { return "An email address cannot have a hyphen immediately after the @-sign." }
        if !domain.contains(".") { return "The part after the @-sign is not valid. It should have a period." }
        return nil
    }
}
