/// What a signing key is for (Debusine `assets/models.py` `KeyPurpose`); the signing tasks' `purpose`.
enum KeyPurpose {
    /// `uefi`: signs UEFI Secure Boot images (needs `sbsign` on the signing worker).
    static let uefi = "uefi"
    /// `openpgp`: signs Debian uploads.
    static let openpgp = "openpgp"
    /// `openpgp-repository`: signs repository indexes.
    static let openpgpRepository = "openpgp-repository"
    /// Every purpose, in Debusine's order.
    static let all = [uefi, openpgp, openpgpRepository]
}
