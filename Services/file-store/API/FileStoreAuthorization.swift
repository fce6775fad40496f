import Foundation
import Hummingbird
import KilnCore
import Store

/// Who is calling, from the `Token` header: a worker (its own token) or a person (a `user` token `kiln`
/// minted). Workers may read the inputs and outputs of the work requests they run and write only those
/// outputs; people may read and write any workspace (permissions arrive with users and groups).
enum FileStorePrincipal: Sendable {
    case worker(id: Int, running: [RunningWorkRequestScope])
    case user(id: Int)

    /// Authenticates the request's token.
    ///
    /// - Throws: 401 when the header is missing, unknown, disabled or expired, or the token is of another kind.
    static func authenticate(_ request: Request, on conn: PGConnection) async throws -> Self {
        guard let secret = request.headers[.init(FileStoreProtocol.tokenHeader)!], !secret.isEmpty else {
            throw FileStoreProblem.unauthenticated("no \(FileStoreProtocol.tokenHeader) header")
        }
        guard let token = try await TokenRepository.find(secret: secret, on: conn) else {
            throw FileStoreProblem.unauthenticated("the token is not known")
        }
        guard token.isUsable() else {
            throw FileStoreProblem.unauthenticated("the token is disabled or expired")
        }
        switch token.kind {
        case .worker:
            guard let workerID = token.workerID else { throw FileStoreProblem.unauthenticated("the token has no worker") }
            return .worker(
                id: workerID, running: try await ArtifactFileRepository.runningAssignments(ofWorker: workerID, on: conn))
        case .user:
            guard let userID = token.userID else { throw FileStoreProblem.unauthenticated("the token has no user") }
            return .user(id: userID)
        case .activation, .workRequest:
            throw FileStoreProblem.unauthenticated("a \(token.kind.rawValue) token does not open the file store")
        }
    }

    /// The work request a worker's new artifact belongs to: one it is running.
    func outputWorkRequest(_ requested: Int?) throws -> RunningWorkRequestScope? {
        switch self {
        case .user:
            if let requested {
                throw FileStoreProblem.forbidden(
                    "only the worker running work request \(requested) may create its artifacts")
            }
            return nil
        case .worker(let id, let running):
            guard let requested else {
                throw FileStoreProblem.invalid("a worker's artifact must name its work request (work_request)")
            }
            guard let assignment = running.first(where: { $0.workRequestID == requested }) else {
                throw FileStoreProblem.forbidden("work request \(requested) is not running on worker \(id)")
            }
            return assignment
        }
    }

    /// Whether the caller may read `artifact`: a person always; a worker if it is an input or an output of a
    /// work request it runs.
    func mayRead(_ artifact: StoredArtifact) -> Bool {
        switch self {
        case .user: true
        case .worker(_, let running):
            running.contains { assignment in
                assignment.inputArtifactIDs.contains(artifact.record.id)
                    || artifact.record.createdByWorkRequestID == assignment.workRequestID
            }
        }
    }

    /// Whether the caller may upload to or relate from `artifact`: a person always; a worker if a work
    /// request it runs created it.
    func mayWrite(_ artifact: StoredArtifact) -> Bool {
        switch self {
        case .user: true
        case .worker(_, let running):
            running.contains { artifact.record.createdByWorkRequestID == $0.workRequestID }
        }
    }

    /// The user id for `created_by`, if a person.
    var userID: Int? {
        if case .user(let id) = self { id } else { nil }
    }
}
