import ArgumentParser
import KilnCore
import Store

extension ArtifactRelationType: ExpressibleByArgument {}

struct ArtifactRelate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relate",
        abstract: "Record that an artifact extends, relates to, or was built using another.",
        discussion: """
            The relation types are Debusine's: extends (e.g. a signed upload extending the unsigned one), \
            relates-to (debug symbols and their binary package), built-using (a binary package and the source \
            it was built from). Recording a relation twice changes nothing.

            Example:
              kiln artifact relate 12 built-using 7
            """
    )

    @Argument(help: "The artifact the relation starts from.")
    var artifact: Int

    @Argument(help: "The relation: extends, relates-to or built-using.")
    var type: ArtifactRelationType

    @Argument(help: "The artifact it points to.")
    var target: Int

    func run() async throws {
        try await CLIRunner.run { pool in
            let (relation, created) = try await pool.withTransaction { conn in
                try await ArtifactRelationRepository.relate(artifact, type, to: target, on: conn)
            }
            print(created ? "related \(relation)" : "already related: \(relation)")
        }
    }
}

struct ArtifactRelations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relations",
        abstract: "List the relations from and to an artifact.",
        discussion: """
            Example:
              kiln artifact relations 7 --json
            """
    )

    @Argument(help: "The artifact id.")
    var artifact: Int

    @Flag(help: "Print JSON instead of one relation per line.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let relations = try await pool.withConnection { conn in
                guard try await ArtifactRepository.find(id: artifact, on: conn) != nil else {
                    throw RepositoryError.notFound(kind: "artifact", key: String(artifact))
                }
                return try await ArtifactRelationRepository.relations(of: artifact, on: conn)
            }
            if json {
                Output.json(
                    .array(
                        relations.map {
                            ["artifact": .int($0.artifactID), "type": .string($0.type.rawValue), "target": .int($0.targetID)]
                        }
                    )
                )
            } else {
                for relation in relations { print(relation) }
            }
        }
    }
}
