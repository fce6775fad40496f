import KilnCore
import KilnTasks
import Testing

@testable import KilnWorker

/// What Kiln's mmdebstrap runner does not do yet is an `error` naming it, never a system built otherwise than asked.
@Suite("mmdebstrap runner: options it does not support")
struct MmdebstrapRunnerTests {
    static func unsupported(_ json: JSONValue) throws -> [String] {
        MmdebstrapRunner.unsupported(try MmdebstrapTask.validateData(json).bootstrap)
    }

    @Test("one deb repository checked by the system keyring: nothing unsupported")
    func supported() throws {
        #expect(
            try Self.unsupported([
                "bootstrap_options": ["architecture": "amd64", "variant": "buildd", "extra_packages": ["hello"]],
                "bootstrap_repositories": [
                    ["mirror": "http://deb.debian.org/debian", "suite": "bookworm", "components": ["main"]]
                ],
            ]) == [])
    }

    @Test("keyrings, other signature checks, deb-src, a second repository, gpgv_command and a customization script are named")
    func named() throws {
        let found = try Self.unsupported([
            "bootstrap_options": ["architecture": "amd64", "gpgv_command": "gpgv"],
            "bootstrap_repositories": [
                [
                    "mirror": "http://deb.debian.org/debian", "suite": "bookworm", "types": ["deb", "deb-src"],
                    "check_signature_with": "no-check", "keyring_package": "debian-archive-keyring",
                ],
                ["mirror": "https://example.com", "suite": "x", "keyring": ["url": "https://example.com/k.gpg"]],
            ],
            "customization_script": "#!/bin/sh\ntrue\n",
        ])
        #expect(
            found == [
                "more than one bootstrap_repositories entry", "bootstrap_repositories[0].types ['deb', 'deb-src']",
                "bootstrap_repositories[0].check_signature_with 'no-check'", "bootstrap_repositories[0].keyring_package",
                "bootstrap_repositories[1].keyring", "bootstrap_options.gpgv_command", "customization_script",
            ])
    }
}
