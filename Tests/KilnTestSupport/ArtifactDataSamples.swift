import KilnCore

/// Artifact data that Debusine's model of each category accepts (`artifacts/models.py`), for tests that create
/// artifacts through the file store or `kiln artifact create`, which refuse anything else.
public enum ArtifactDataSamples {
    /// Valid data of every category, from the data Debusine's own tests build (`artifacts/tests/test_models.py`,
    /// `artifacts/playground.py`).
    public static let valid: [String: JSONValue] = [
        "debusine:work-request-debug-logs": [:],
        "debusine:test": [:],
        "debian:package-build-log": [
            "source": "hello", "version": "1.0-1", "architecture": "amd64", "filename": "hello_1.0-1_amd64.build",
        ],
        "debian:upload": [
            "type": "dpkg",
            "changes_fields": [
                "Architecture": "source amd64", "Source": "hello", "Version": "1.0-1",
                "Files": [["name": "hello_1.0-1.dsc"], ["name": "hello_1.0-1_amd64.deb"]],
            ],
        ],
        "debian:source-package": ["name": "hello", "version": "1.0-1", "type": "dpkg", "dsc_fields": ["Source": "hello"]],
        "debian:binary-package": [
            "srcpkg_name": "hello", "srcpkg_version": "1.0-1", "deb_fields": ["Package": "hello"],
            "deb_control_files": ["control"],
        ],
        "debian:binary-packages": [
            "srcpkg_name": "hello", "srcpkg_version": "1.0-1", "version": "1.0-1", "architecture": "amd64",
            "packages": ["hello"],
        ],
        "debian:debug-symbols": ["build_ids": [.string(String(repeating: "a", count: 40))]],
        "debian:system-tarball": [
            "filename": "bookworm.tar.gz", "vendor": "debian", "codename": "bookworm", "components": ["main"],
            "mirror": "https://deb.debian.org", "variant": nil, "pkglist": [:], "architecture": "amd64",
            "with_dev": false, "with_init": false,
        ],
        "debian:system-image": [
            "filename": "bookworm.qcow2", "vendor": "debian", "codename": "bookworm", "components": ["main"],
            "mirror": "https://deb.debian.org", "pkglist": ["base-files": "12"], "architecture": "amd64",
            "with_dev": false, "with_init": true, "image_format": "qcow2", "filesystem": "ext4", "size": 123456,
            "boot_mechanism": "efi",
        ],
        "debian:lintian": [
            "architecture": "source",
            "summary": [
                "tags_count_by_severity": ["error": 0, "warning": 1], "package_filename": ["hello": "hello.dsc"],
                "tags_found": ["a-tag"], "overridden_tags_found": [], "lintian_version": "2.116",
                "distribution": "debian:sid",
            ],
        ],
        "debian:autopkgtest": [
            "results": ["upstream": ["status": "PASS"], "flaky": ["status": "FLAKY", "details": "timed out"]],
            "cmdline": "autopkgtest hello.dsc", "architecture": "amd64", "distribution": "debian:sid",
            "source_package": ["name": "hello", "version": "1.0-1", "url": "https://deb.debian.org/hello.dsc"],
        ],
        "debian:piuparts": [
            "piuparts_version": "1.1", "binary_packages": ["hello": "1.0-1"], "architecture": "amd64",
            "distribution": "debian:sid",
        ],
        "debusine:signing-input": ["trusted_certs": nil],
        "debusine:signing-output": [
            "purpose": "uefi", "fingerprint": "ABC",
            "results": [["file": "a.efi", "output_file": "a.efi.sig"], ["file": "b.efi", "error_message": "no"]],
        ],
        "debian:blhc": [:],
        "debian:debdiff": ["original": "hello_1.0-1.dsc", "new": "hello_1.0-2.dsc"],
        "debian:repository-index": ["path": "dists/sid/InRelease"],
    ]

    /// The sample of `category` with `changes` merged over it (a `nil` value removes the key).
    public static func data(_ category: String, _ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        var members = valid[category]?.objectValue ?? [:]
        for (key, value) in changes { members[key] = value }
        return members
    }
}
