import AMQP
import ArgumentParser
import Foundation
import KilnCore
import KilnRuntime
import ServiceKit

struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Resolve a lookup through the lookup-resolver, exactly as a task input field would.",
        discussion: """
            LOOKUP is taken as JSON when it parses as an integer, an object or a list (a multiple lookup); \
            anything else is a string lookup. The request goes to the lookup-resolver over RabbitMQ \
            (KILN_AMQP_URL, queue lookup-resolver.rpc), so the answer is the one tasks get.

            A lookup that finds nothing, or an invalid one, exits with status 1, as does a workspace or \
            --workflow-root that does not exist or that the user may not see; a lookup-resolver that does \
            not answer within --timeout (or a broker that cannot be reached) exits with status 69.

            Examples:
              kiln lookup 12@artifacts --workspace debian/dev
              kiln lookup sid@debian:suite/source:hello --workspace debian/dev
              kiln lookup '[12, 13]' --workspace debian/dev --expect artifact --json
              kiln lookup internal@collections/name:build-amd64 --workspace debian/dev --workflow-root 40
            """
    )

    @Argument(help: "The lookup: a string such as 12@artifacts or NAME@CATEGORY/PATH, or JSON.")
    var lookup: String

    @Option(help: "The workspace the lookup runs from (SCOPE/NAME).")
    var workspace: String

    @Option(help: "What the results must be: artifact, collection, bare, any, artifact-or-promise.")
    var expect: String = LookupExpectType.any.rawValue

    @Option(help: "Category assumed for a bare NAME first segment (e.g. debian:suite).")
    var defaultCategory: String?

    @Flag(help: "Resolve as a multiple lookup even if LOOKUP is a single string (sent as a one-element list).")
    var multiple = false

    @Option(help: "Resolve as inside the workflow whose root work request has this id (for internal@collections).")
    var workflowRoot: Int?

    @Option(help: "Look up as this user (default: $USER).")
    var user: String?

    @Option(help: "How long to wait for the lookup-resolver's answer.")
    var timeout = DurationOption(argument: "10s")!

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard LookupExpectType(rawValue: expect) != nil else {
            throw ValidationError(
                "--expect '\(expect)' is not one of "
                    + LookupExpectType.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let parts = workspace.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw ValidationError("--workspace '\(workspace)' must be SCOPE/NAME")
        }
    }

    /// `text` as a lookup value: JSON integers, objects and lists as such, a JSON string unquoted, anything
    /// else (the usual `NAME@CATEGORY/…` form) as a string.
    static func lookupValue(_ text: String) -> JSONValue {
        if let parsed = try? JSONValue.parse(text) {
            switch parsed {
            case .int, .object, .array, .string: return parsed
            default: break
            }
        }
        return .string(text)
    }

    /// Whether `value` is a multiple lookup by its form (an object or a list).
    static func isMultiple(_ value: JSONValue) -> Bool {
        value.arrayValue != nil || value.objectValue != nil
    }

    /// The lookup sent: with `--multiple`, a single lookup becomes a one-element list, since a multiple
    /// lookup must be a dictionary or a list (Debusine's `LookupMultiple`).
    static func requestLookup(_ value: JSONValue, multiple: Bool) -> JSONValue {
        multiple && !isMultiple(value) ? [value] : value
    }

    func run() async throws {
        let request = LookupRequest(
            lookup: Self.requestLookup(Self.lookupValue(lookup), multiple: multiple),
            expectType: LookupExpectType(rawValue: expect) ?? .any,
            defaultCategory: defaultCategory,
            workspace: workspace,
            user: ActingUser.name(user),
            workflowRootID: workflowRoot,
            multiple: multiple || Self.isMultiple(Self.lookupValue(lookup))
        )
        let reply = try await Self.call(request, timeout: timeout)
        if let failure = reply.failure {
            switch failure {
            case .notFound(let message): CLIRunner.fail(CLIError(message), status: CLIExit.refused)
            case .invalid(let message): CLIRunner.fail(CLIError("invalid lookup: \(message)"), status: CLIExit.refused)
            }
        }
        switch reply.errorKind {
        case nil:
            break
        case "refused":
            CLIRunner.fail(CLIError(reply.errorMessage ?? "the lookup request was refused"), status: CLIExit.refused)
        case "unavailable":
            CLIRunner.fail(
                CLIError(reply.errorMessage ?? "lookup service unavailable", context: "try again"),
                status: CLIExit.unavailable)
        case let kind?:
            CLIRunner.fail(
                CLIError(
                    "the lookup-resolver answered with an unknown error kind '\(kind)': \(reply.errorMessage ?? "")"
                ),
                status: CLIExit.unavailable
            )
        }
        if json {
            Output.json(.array(try reply.results.map { try JSONValue.from($0) }))
            return
        }
        if reply.results.isEmpty {
            print("no results")
            return
        }
        Output.table(["TYPE", "ID", "CATEGORY", "NAME", "ITEM", "DATA"], reply.results.map(Self.row))
    }

    /// One result as a table row: the artifact, collection or bare item found, and the collection item it was
    /// found through (`ITEM`: its id), if any.
    static func row(_ result: LookupResult) -> [String] {
        let item = result.collectionItem
        let itemColumn = item.map { String($0.id) } ?? "-"
        if let artifact = result.artifact {
            return [
                result.resultType.rawValue, String(artifact.id), artifact.category, item?.name ?? "-", itemColumn,
                JSONValue.object(artifact.data).compactJSON,
            ]
        }
        if let collection = result.collection {
            return [
                result.resultType.rawValue, String(collection.id), collection.category,
                "\(collection.name)@\(collection.category)", itemColumn, JSONValue.object(collection.data).compactJSON,
            ]
        }
        return [
            result.resultType.rawValue, item.map { String($0.id) } ?? "-", item?.category ?? "-", item?.name ?? "-",
            itemColumn, item.map { JSONValue.object($0.data).compactJSON } ?? "{}",
        ]
    }

    /// Sends `request` to the lookup-resolver and decodes its reply; every way of getting no usable answer
    /// ends the command with status 69 (`CLIExit.unavailable`) and says which part is missing (broker, service, or a sane reply).
    static func call(_ request: LookupRequest, timeout: DurationOption) async throws -> LookupReply {
        let configuration: AMQPConnectionConfiguration
        do {
            let url = try EnvironmentReader().serverURL(CLISettings.amqpURL)
            configuration = try AMQPConnectionConfiguration(url: url)
        } catch {
            CLIRunner.fail(
                CLIError("configuration error: KILN_AMQP_URL: \(error)"),
                status: error is ConfigurationError ? CLIExit.configuration : CLIExit.unavailable)
        }
        let body: [UInt8]
        do {
            body = try MessageCodec.encode(request)
        } catch {
            CLIRunner.fail(CLIError("cannot encode the lookup request: \(error)"), status: CLIExit.refused)
        }
        var properties = MessageProperties(type: "lookup", appID: "kiln")
        properties.persistent = false
        let message = OutgoingMessage(
            exchange: "",
            routingKey: KilnTopology.lookupRPCQueue,
            body: body,
            properties: properties
        )
        let client = AMQPRequestReplyClient(configuration: configuration)
        let delivery: Delivery
        do throws(AMQPError) {
            delivery = try await client.call(message, timeout: timeout.duration)
            await client.close()
        } catch {
            await client.close()
            let queue = KilnTopology.lookupRPCQueue
            switch error {
            case .replyTimeout:
                CLIRunner.fail(
                    CLIError("the lookup-resolver is not answering: no reply on \(queue) within \(timeout)"),
                    status: CLIExit.unavailable
                )
            case .unroutable:
                CLIRunner.fail(
                    CLIError("the lookup-resolver is not running: the broker has no queue \(queue)"),
                    status: CLIExit.unavailable
                )
            default:
                CLIRunner.fail(
                    CLIError("cannot reach the broker at KILN_AMQP_URL (\(configuration.url)): \(error)"),
                    status: CLIExit.unavailable
                )
            }
        }
        do {
            return try MessageCodec.decode(LookupReply.self, from: delivery.body)
        } catch {
            CLIRunner.fail(
                CLIError("the lookup-resolver sent a reply kiln cannot read: \(error)"),
                status: CLIExit.unavailable
            )
        }
    }
}
