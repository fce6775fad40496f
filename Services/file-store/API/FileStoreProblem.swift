import Foundation
import Hummingbird
import KilnCore

/// A refusal the API answers with Debusine's problem shape (`{"title": …, "detail": …}`) and a status.
struct FileStoreProblem: HTTPResponseError {
    let status: HTTPResponse.Status
    let problem: FileStoreProtocol.Problem

    init(_ status: HTTPResponse.Status, _ title: String, _ detail: String? = nil) {
        self.status = status
        self.problem = FileStoreProtocol.Problem(title: title, detail: detail)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(problem, status: status)
    }

    static func unauthenticated(_ detail: String) -> Self { Self(.unauthorized, "Authentication failed", detail) }
    static func forbidden(_ detail: String) -> Self { Self(.forbidden, "Permission denied", detail) }
    static func notFound(_ detail: String) -> Self { Self(.notFound, "Not found", detail) }
    static func invalid(_ detail: String) -> Self { Self(.badRequest, "Invalid request", detail) }
}

/// JSON answers, encoded as every Kiln side decodes them (`FileStoreProtocol.encoder()`).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try FileStoreProtocol.encoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
