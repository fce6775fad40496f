import ServiceKit
import Testing

@Suite("Service command line")
struct ServiceCommandLineTests {
    static let settings = [
        Setting("KILN_EXAMPLE_URL", default: "amqp://localhost", help: "where the example connects"),
        Setting("KILN_EXAMPLE_TOKEN", default: nil, help: "required token", secret: true),
        Setting("KILN_EXAMPLE_LABEL", default: "", help: "optional label"),
    ]

    static func action(_ arguments: [String]) -> ServiceCommandLine.Action {
        ServiceCommandLine.action(for: arguments, executable: "example", about: "Does examples.", settings: settings)
    }

    @Test("no arguments start the service")
    func noArgumentsRun() {
        #expect(Self.action([]) == .run)
    }

    @Test("--help and -h print what it does and every variable with its default")
    func help() throws {
        for flag in ["--help", "-h"] {
            guard case .print(let text) = Self.action([flag]) else {
                Issue.record("\(flag) did not print")
                continue
            }
            #expect(text.hasPrefix("Usage: example [--help | --help-env | --version]"))
            #expect(text.contains("Does examples."))
            #expect(text.contains("  KILN_EXAMPLE_URL=amqp://localhost\n      where the example connects"))
            #expect(text.contains("  KILN_EXAMPLE_TOKEN=(required)"))
            #expect(text.contains("  KILN_EXAMPLE_LABEL=(empty)"))
        }
    }

    @Test("--version prints the name and Kiln's version; --help-env only the variables")
    func versionAndEnvironment() {
        #expect(Self.action(["--version"]) == .print("example \(KilnVersion.current)"))
        guard case .print(let text) = Self.action(["--help-env"]) else {
            Issue.record("--help-env did not print")
            return
        }
        #expect(text.hasPrefix("  KILN_EXAMPLE_URL="))
        #expect(!text.contains("Usage"))
    }

    @Test("any other argument is refused naming it, never ignored")
    func unknownRefused() {
        #expect(
            Self.action(["--verbose"])
                == .refuse(
                    "example: unknown argument '--verbose': it takes no arguments, only environment variables "
                        + "(see example --help)"))
        guard case .refuse(let line) = Self.action(["--help", "extra"]) else {
            Issue.record("two arguments were not refused")
            return
        }
        #expect(line.contains("'--help extra'"))
    }
}
