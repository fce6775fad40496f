import KilnCore
import KilnTasks
import Testing

@testable import KilnWorker

/// autopkgtest's options from its task data, as Debusine's `Autopkgtest._cmdline` writes them
/// (`tasks/tests/test_autopkgtest.py`).
@Suite("autopkgtest options")
struct AutopkgtestOptionsTests {
    static func options(_ extra: [String: JSONValue], codename: String = "bookworm") throws -> [String] {
        var data: [String: JSONValue] = [
            "input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": "debian/match:codename=bookworm",
        ]
        data.merge(extra) { $1 }
        return AutopkgtestRunner.options(try AutopkgtestTask.validateData(.object(data)), codename: codename)
    }

    @Test("no pin_packages: no --pin-packages (test_cmdline_pin_packages_not_included); only --needs-internet")
    func defaults() throws {
        #expect(try Self.options([:]) == ["--needs-internet=run"])
    }

    @Test("pin_packages: one --pin-packages=RELEASE=P1,P2 per release, an empty list included (test_cmdline_pin_packages_included, test_cmdline_pin_packages_empty_pkglist)")
    func pinPackages() throws {
        let options = try Self.options([
            "pin_packages": ["unstable": ["src:glibc", "hello"], "experimental": ["src:python3-defaults"], "sid": []]
        ])
        #expect(options.contains("--pin-packages=unstable=src:glibc,hello"))
        #expect(options.contains("--pin-packages=experimental=src:python3-defaults"))
        #expect(options.contains("--pin-packages=sid="))
        #expect(throws: TaskDataError.self) { try Self.options(["pin_packages": ["unstable": "hello"]]) }
        #expect(throws: TaskDataError.self) { try Self.options(["pin_packages": ["unstable": [1]]]) }
        #expect(throws: TaskDataError.self) { try Self.options(["pin_packages": ["hello"]]) }
    }

    @Test("Debusine's order; the debug level as one -dd (test_cmdline_debug_level), the base release (test_cmdline_apt_default_release_included)")
    func order() throws {
        let options = try Self.options([
            "include_tests": ["a"], "exclude_tests": ["b"], "debug_level": 2, "use_packages_from_base_repository": true,
            "pin_packages": ["unstable": ["hello"]], "extra_environment": ["DEBUG": "1"], "needs_internet": "skip",
            "timeout": ["test": 60, "global": 600],
        ])
        #expect(
            options == [
                "--test-name=a", "--skip-test=b", "-dd", "--apt-default-release=bookworm",
                "--pin-packages=unstable=hello", "--env=DEBUG=1", "--needs-internet=skip", "--timeout-global=600",
                "--timeout-test=60",
            ])
    }
}
