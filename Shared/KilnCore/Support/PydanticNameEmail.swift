import Foundation

/// pydantic 2's `NameEmail` (`pydantic.networks.validate_email`): `Name <address>` or a bare address, no line
/// breaks, the address checked by the `email-validator` package pydantic calls (without a deliverability check),
/// with its messages for the common faults — a missing `@`, nothing before or after it, characters outside an
/// address, misplaced or doubled periods, a domain without a period or a special-use one, a bracketed address.
/// Rarer refusals (internationalised domain rules, quoted local parts, display names email-validator parses
/// itself) are not reproduced.
public struct PydanticNameEmail: Hashable, Sendable, CustomStringConvertible {
    /// The display name: the one given, or else the address's local part (pydantic's rule).
    public var name: String
    /// The address, its domain lowercased as email-validator normalises it.
    public var email: String

    /// `str(NameEmail)`: `name <address>`, the name quoted when it holds an `@` — what Debusine passes on (sbuild's
    /// `--maintainer`).
    public var description: String { name.contains("@") ? "\"\(name)\" <\(email)>" : "\(name) <\(email)>" }

    /// Reads `text` as pydantic does.
    ///
    /// - Returns: the value, or the reason after pydantic's `value is not a valid email address: `.
    public static func parse(_ text: String) -> Result<PydanticNameEmail, Failure> {
        func fail(_ reason: String) -> Result<PydanticNameEmail, Failure> { .failure(Failure(reason: reason)) }
        guard text.unicodeScalars.count <= 2048 else { return fail("Length must not exceed 2048 characters") }
        guard !text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return fail("Carriage return and line feed characters are not allowed")
        }
        var name: String?
        var value = text
        let whole = NSRange(text.startIndex..., in: text)
        if let match = prettyEmail.firstMatch(in: text, range: whole), match.range == whole {
            name = [1, 2].lazy.compactMap { Range(match.range(at: $0), in: text).map { String(text[$0]) } }.first
            value = Range(match.range(at: 3), in: text).map { String(text[$0]) } ?? text
        }
        let address = value.trimmingCharacters(in: .whitespaces)
        if let problem = problem(address) { return fail(problem) }
        let at = address.firstIndex(of: "@")!
        let local = String(address[..<at])
        let domain = address[address.index(after: at)...].lowercased()
        return .success(PydanticNameEmail(name: name ?? local, email: local + "@" + domain))
    }

    /// Why a text is no `NameEmail`.
    public struct Failure: Error, Hashable, Sendable {
        /// email-validator's (or pydantic's) reason.
        public var reason: String
    }

    /// pydantic's `pretty_email_regex`: an optional unquoted or quoted name, then the address in angle brackets.
    private static let prettyEmail = try! NSRegularExpression(
        pattern: #"\s*(?:((?:[\w.!#$%&'*+\-/=?^_`{|}~]+\s+)*[\w.!#$%&'*+\-/=?^_`{|}~]+)|"((?:[^"]|\")+)")?\s*<(.+)>\s*"#
    )

    /// The ASCII characters an unquoted local part may hold besides letters, digits and periods (RFC 5322 `atext`).
    private static let localSymbols = Set("!#$%&'*+-/=?^_`{|}~")

    /// email-validator's reason for refusing a bare address, or nil.
    private static func problem(_ address: String) -> String? {
        guard let at = address.firstIndex(of: "@") else { return "An email address must have an @-sign." }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        if local.isEmpty { return "There must be something before the @-sign." }
        if domain.isEmpty { return "There must be something after the @-sign." }
        let badLocal = local.filter {
            $0.isASCII && !($0.isLetter || $0.isNumber || $0 == "." || localSymbols.contains($0))
        }
        if !badLocal.isEmpty {
            return "The email address contains invalid characters before the @-sign: \(listed(badLocal))."
        }
        if local.hasPrefix(".") { return "An email address cannot start with a period." }
        if local.hasSuffix(".") { return "An email address cannot have a period immediately before the @-sign." }
        if address.contains("..") { return "An email address cannot have two periods in a row." }
        if domain.hasPrefix("[") { return "A bracketed IP address after the @-sign is not allowed here." }
        let badDomain = domain.filter { $0.isASCII && !($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        if !badDomain.isEmpty {
            return "The part after the @-sign contains invalid characters: \(listed(badDomain))."
        }
        if domain.hasPrefix("-") { return "An email address cannot have a hyphen immediately after the @-sign." }
        if domain.hasSuffix(".") { return "An email address cannot end with a period." }
        if !domain.contains(".") { return "The part after the @-sign is not valid. It should have a period." }
        let lowered = domain.lowercased()
        if specialUseDomains.contains(where: { lowered == $0 || lowered.hasSuffix("." + $0) }) {
            return "The part after the @-sign is a special-use or reserved name that cannot be used with email."
        }
        return nil
    }

    /// email-validator's `SPECIAL_USE_DOMAIN_NAMES` (without deliverability checks).
    private static let specialUseDomains = ["arpa", "invalid", "local", "localhost", "onion", "test"]

    /// email-validator's list of bad characters: each once, in code-point order, a space named `SPACE`.
    private static func listed(_ characters: String) -> String {
        Set(characters).sorted { $0.unicodeScalars.first!.value < $1.unicodeScalars.first!.value }
            .map { $0 == " " ? "SPACE" : "'\($0)'" }.joined(separator: ", ")
    }
}
