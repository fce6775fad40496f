/// A Debian package version (`[epoch:]upstream[-revision]`), ordered as dpkg orders versions.
///
/// `debian:suite` collections refuse to rewind a package to an older version, as Debusine's
/// `DebianSuiteManager._check_existing_versions` does with `debian.debian_support.Version`; both follow
/// dpkg's `verrevcmp`: digits compare as numbers, `~` sorts before everything (even the end), letters
/// before other characters.
public struct DebianVersion: Comparable, Sendable, CustomStringConvertible {
    /// The epoch (0 when the version has none).
    public let epoch: Int
    /// The upstream part.
    public let upstream: String
    /// The Debian revision ("" when the version has none).
    public let revision: String
    /// The version as written.
    public let description: String

    /// Whether `text` is a Debian version as python-debian's `Version` accepts it (`BaseVersion._set_full_version`:
    /// `re_valid_version`, an optional numeric `EPOCH:`, an upstream part of letters, digits and `.+:~-`, an optional
    /// `-REVISION` of letters, digits and `+.~`; then no `:` in the upstream part unless there is an epoch). Since the
    /// upstream part takes `-` too, that is: only those characters, at least one after the epoch, and a `:` only after
    /// a leading `DIGITS:`. Python's `$` also matches before one final newline, which is allowed here too.
    public static func isValid(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars
        if scalars.last == "\n" { scalars = scalars.dropLast() }
        func isVersionCharacter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || ".+:~-".unicodeScalars.contains(scalar)
        }
        guard !scalars.isEmpty, scalars.allSatisfy(isVersionCharacter) else { return false }
        guard let colon = scalars.firstIndex(of: ":") else { return true }
        // A `:` needs an epoch before it: digits only, then at least one character after it.
        let epoch = scalars[..<colon]
        return !epoch.isEmpty && epoch.allSatisfy { ("0"..."9").contains($0) } && scalars.index(after: colon) != scalars.endIndex
    }

    /// Splits `text` at the first `:` (epoch) and the last `-` (revision). A non-numeric epoch is kept as
    /// part of the upstream version rather than refused: the suite rules only compare versions.
    public init(_ text: String) {
        description = text
        var rest = Substring(text)
        if let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]) {
            epoch = number
            rest = rest[rest.index(after: colon)...]
        } else {
            epoch = 0
        }
        if let dash = rest.lastIndex(of: "-") {
            upstream = String(rest[..<dash])
            revision = String(rest[rest.index(after: dash)...])
        } else {
            upstream = String(rest)
            revision = ""
        }
    }

    public static func < (lhs: DebianVersion, rhs: DebianVersion) -> Bool { compare(lhs, rhs) < 0 }

    /// Equal when dpkg considers them equal (`1.0` and `0:1.0`), whatever their spelling.
    public static func == (lhs: DebianVersion, rhs: DebianVersion) -> Bool { compare(lhs, rhs) == 0 }

    /// -1, 0 or 1 as `lhs` sorts before, with or after `rhs`.
    public static func compare(_ lhs: DebianVersion, _ rhs: DebianVersion) -> Int {
        if lhs.epoch != rhs.epoch { return lhs.epoch < rhs.epoch ? -1 : 1 }
        let upstream = compareFragment(lhs.upstream, rhs.upstream)
        return upstream != 0 ? upstream : compareFragment(lhs.revision, rhs.revision)
    }

    /// dpkg's `verrevcmp` over one part: alternating non-digit runs (compared character by character with
    /// `order`) and digit runs (compared as numbers).
    private static func compareFragment(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.unicodeScalars)
        let b = Array(rhs.unicodeScalars)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            var firstDifference = 0
            while (i < a.count && !isDigit(a[i])) || (j < b.count && !isDigit(b[j])) {
                let ac = i < a.count ? order(a[i]) : 0
                let bc = j < b.count ? order(b[j]) : 0
                if ac != bc { return ac < bc ? -1 : 1 }
                i += 1
                j += 1
            }
            while i < a.count, a[i] == "0" { i += 1 }
            while j < b.count, b[j] == "0" { j += 1 }
            while i < a.count, isDigit(a[i]), j < b.count, isDigit(b[j]) {
                if firstDifference == 0 { firstDifference = Int(a[i].value) - Int(b[j].value) }
                i += 1
                j += 1
            }
            if i < a.count, isDigit(a[i]) { return 1 }
            if j < b.count, isDigit(b[j]) { return -1 }
            if firstDifference != 0 { return firstDifference < 0 ? -1 : 1 }
        }
        return 0
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// dpkg's character weight: `~` lowest (below the end of the string), letters by code, others after.
    private static func order(_ scalar: Unicode.Scalar) -> Int {
        if isDigit(scalar) { return 0 }
        if ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) { return Int(scalar.value) }
        if scalar == "~" { return -1 }
        return Int(scalar.value) + 256
    }
}
